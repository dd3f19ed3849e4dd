// The accounting spool on a real temporary directory, and the accountant
// sending through the real RADIUS client to a server played by the test.
#include "aaa/radius/acct_spool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "aaa/radius/accountant.h"
#include "aaa/radius/authenticator.h"

namespace kg::aaa::radius {
namespace {

namespace fs = std::filesystem;
using kg::radius::AttrType;
using kg::radius::Code;
using namespace std::chrono_literals;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/kg-acct-spool-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

AcctRecord record(AcctStatus status, const std::string& user) {
  AcctRecord r;
  r.status = status;
  r.session_id = "00000001-00000001";
  r.user_name = user;
  return r;
}

std::vector<fs::path> files(const fs::path& dir) {
  std::vector<fs::path> v;
  for (auto& e : fs::directory_iterator(dir)) v.push_back(e.path());
  return v;
}

TEST(RadiusAcctSpool, RecordsOutliveTheProcessUntilRemoved) {
  TempDir t;
  fs::path dir = t.path / "radacct";
  {
    auto s = AcctSpool::open(dir);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s->add({"RADIUS", 100, accounting_request(record(AcctStatus::kStart, "alice"))}));
    ASSERT_TRUE(s->add({"RADIUS", 200, accounting_request(record(AcctStatus::kStop, "bob"))}));
  }
  struct stat st{};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto fv = files(dir);
  ASSERT_EQ(fv.size(), 2u);
  for (auto& f : fv) {
    ASSERT_EQ(::stat(f.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  auto s = AcctSpool::open(dir);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->pending().size(), 2u);
  auto it = s->pending().begin();
  EXPECT_EQ(it->second.group, "RADIUS");
  EXPECT_EQ(it->second.queued, 100);
  EXPECT_EQ(it->second.request.text(AttrType::kUserName), "alice");
  EXPECT_EQ(std::next(it)->second.request.text(AttrType::kUserName), "bob");
  s->remove(it->first);
  EXPECT_EQ(files(dir).size(), 1u);
  // New records follow the old ones.
  auto seq = s->add({"RADIUS", 300, accounting_request(record(AcctStatus::kStop, "carol"))});
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 3u);
  auto again = AcctSpool::open(dir);
  ASSERT_EQ(again->pending().size(), 2u);
  EXPECT_EQ(again->pending().rbegin()->second.request.text(AttrType::kUserName), "carol");
}

TEST(RadiusAcctSpool, DamagedFilesAreCountedNotLoaded) {
  TempDir t;
  std::ofstream(t.path / "0000000000000001.acct") << "keygate-acct 1\nRADIUS\n5\nnot a packet";
  std::ofstream(t.path / "0000000000000002.acct") << "something else";
  std::ofstream(t.path / "0000000000000003.acct.tmp") << "half written";
  auto s = AcctSpool::open(t.path);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->pending().empty());
  EXPECT_EQ(s->unreadable(), 2u);
  auto seq = s->add({"RADIUS", 1, accounting_request(record(AcctStatus::kStart, "a"))});
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 3u);  // never over a file it could not read
}

TEST(RadiusAcctSpool, DelayTimeCountsTheWait) {
  SpooledRecord r{"RADIUS", 1000, accounting_request(record(AcctStatus::kStop, "a"))};
  EXPECT_EQ(with_delay(r, 1000).find(AttrType::kAcctDelayTime), nullptr);
  EXPECT_EQ(with_delay(r, 1042).u32(AttrType::kAcctDelayTime), 42u);
  EXPECT_EQ(with_delay(r, 1042).all(AttrType::kAcctDelayTime).size(), 1u);
}

// The daemon's Requester, reduced to the real client on a fake socket.
struct Net final : Transport {
  std::vector<std::pair<Endpoint, Bytes>> sent;
  void send(const Endpoint& to, ByteView d) override { sent.push_back({to, Bytes(d.begin(), d.end())}); }
};
struct ClientRequester final : Requester {
  Client& c;
  explicit ClientRequester(Client& c) : c(c) {}
  uint64_t submit(const std::string& group, Port port, Packet p, Client::Done done) override {
    return c.submit({group}, port, std::move(p), std::move(done));
  }
  void cancel(uint64_t h) override { c.cancel(h); }
  std::string nas_identifier() const override { return "keygate"; }
};

const IpAddress kRad = *IpAddress::parse("192.0.2.11");
const Secret kKey("acct-key");

class AccountantTest : public ::testing::Test {
 protected:
  AccountantTest() : client_(net_, clock_, rng_), rq_(client_) {
    client_.configure({{"RAD1", kRad, 1812, 1813, kKey}}, {.timeout = 1000ms, .retransmit = 1, .deadtime = 0ms});
  }
  void run(Millis d) {
    for (Millis i{0}; i < d; i += 10ms) {
      clock_.advance(10ms);
      if (auto t = client_.next_deadline(); t && *t <= clock_.now()) client_.on_timer();
      if (auto t = acct_->next_deadline(); t && *t <= clock_.now()) acct_->on_timer();
    }
  }
  // The server acknowledges datagram i (sealed with `key`).
  void ack(size_t i, const Secret& key = kKey) {
    auto req = Packet::parse(net_.sent.at(i).second).value();
    ASSERT_TRUE(open_computed_request(net_.sent[i].second, kKey)) << "the request's authenticator";
    Packet reply{uint8_t(Code::kAccountingResponse), req.identifier, {}, {}};
    client_.on_datagram(net_.sent[i].first, seal_reply(reply, req.authenticator, key).value());
  }
  void start(const fs::path& dir) {
    acct_.emplace(rq_, AcctSpool::open(dir).value(), clock_, 5000ms);
  }

  TempDir dir_;
  Net net_;
  FakeClock clock_;
  FakeRandom rng_{3};
  Client client_;
  ClientRequester rq_;
  std::optional<Accountant> acct_;
};

TEST_F(AccountantTest, AcknowledgedRecordsLeaveTheSpool) {
  start(dir_.path);
  acct_->record("RAD1", record(AcctStatus::kStart, "alice"));
  ASSERT_EQ(net_.sent.size(), 1u);
  EXPECT_EQ(net_.sent[0].first, (Endpoint{kRad, 1813}));  // the acct port
  EXPECT_EQ(files(dir_.path).size(), 1u);                 // on disk before any answer
  ack(0, Secret("wrong-key"));                            // a forged answer is not an acknowledgement
  EXPECT_EQ(acct_->owed(), 1u);
  ack(0);
  EXPECT_EQ(acct_->owed(), 0u);
  EXPECT_TRUE(files(dir_.path).empty());
  EXPECT_EQ(acct_->stats().acknowledged, 1u);
}

TEST_F(AccountantTest, AnOutageLosesNothingAndARestartResends) {
  start(dir_.path);
  acct_->record("RAD1", record(AcctStatus::kStart, "alice"));
  acct_->record("RAD1", record(AcctStatus::kStop, "alice"));
  run(3000ms);  // both transmissions of both records go unanswered
  EXPECT_EQ(acct_->stats().unanswered, 2u);
  EXPECT_EQ(acct_->owed(), 2u);
  // keygated restarts: a new accountant on the same spool.
  acct_.reset();
  client_.configure({{"RAD1", kRad, 1812, 1813, kKey}}, {.timeout = 1000ms, .retransmit = 1, .deadtime = 0ms});
  start(dir_.path);
  EXPECT_EQ(acct_->owed(), 2u);
  size_t before = net_.sent.size();
  acct_->flush();
  run(100ms);
  ASSERT_GE(net_.sent.size(), before + 1);
  // The server is back: each answer sends what still waits.
  for (size_t i = before; i < net_.sent.size() && acct_->owed(); ++i) {
    auto p = Packet::parse(net_.sent[i].second).value();
    if (p.code != uint8_t(Code::kAccountingRequest)) continue;  // Status-Server probes
    EXPECT_GE(p.u32(AttrType::kAcctDelayTime).value_or(0), 3u);
    ack(i);
  }
  EXPECT_EQ(acct_->owed(), 0u);
  EXPECT_TRUE(files(dir_.path).empty());
}

TEST_F(AccountantTest, UnansweredRecordsAreRetriedOnTheTimer) {
  start(dir_.path);
  acct_->record("RAD1", record(AcctStatus::kStop, "bob"));
  run(2500ms);
  EXPECT_EQ(acct_->stats().unanswered, 1u);
  ASSERT_TRUE(acct_->next_deadline());
  size_t sends = acct_->stats().sent;
  run(6000ms);
  EXPECT_GT(acct_->stats().sent, sends);
  EXPECT_EQ(acct_->owed(), 1u);
}

}  // namespace
}  // namespace kg::aaa::radius
