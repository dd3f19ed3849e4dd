// Fuzz target: a Disconnect- or CoA-Request (RFC 5176) as keygate's
// dynamic-author server takes it, and the debug radius lines of the same
// datagram. The input goes in raw (it must be dropped unless it happens to
// carry valid authenticators) and, when it parses, sealed with the client's
// key so that the matching and answering code is reached too. Nothing may
// crash; every answer must open with the key against its request.
#include <cstdint>
#include <cstdlib>

#include "aaa/radius/authenticator.h"
#include "aaa/radius/debug_format.h"
#include "aaa/radius/dynamic_author.h"

namespace {

using namespace kg::aaa::radius;

struct Host final : DynamicAuthorServer::Host {
  std::vector<DaSession> sessions() const override {
    return {{1, "5F000000-00000001", "alice", kg::IpAddress::parse("198.18.3.7")}};
  }
  void disconnect(uint64_t) override {}
  void set_session_timeout(uint64_t, uint32_t) override {}
  void set_interim_interval(uint64_t, uint32_t) override {}
  kg::Result<void> change_interface_config(uint64_t, const std::vector<std::string>&) override { return {}; }
  kg::Result<void> reauthorize(uint64_t) override { return {}; }
  std::vector<kg::IpAddress> nas_addresses() const override { return {*kg::IpAddress::parse("198.51.100.1")}; }
  std::string nas_identifier() const override { return "ra-hub"; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Host host;
  static DynamicAuthorServer server(host);
  static const kg::Secret key("da-key");
  static const kg::IpAddress client = *kg::IpAddress::parse("127.0.0.1");
  static bool configured = false;
  if (!configured) {
    std::map<std::string, kg::Secret> c;
    c["127.0.0.1"] = key;
    server.configure(std::move(c));
    configured = true;
  }
  kg::ByteView in(data, size);
  (void)describe_packet("from fuzz", in);
  (void)server.on_datagram(client, in);
  auto p = kg::radius::Packet::parse(in);
  if (!p || p->all(kg::radius::AttrType::kMessageAuthenticator).size() > 1) return 0;
  auto sealed = seal_request(*p, key);
  if (!sealed) return 0;
  auto reply = server.on_datagram(client, *sealed);
  if (reply && !open_reply(*reply, p->authenticator, key, true)) std::abort();
  return 0;
}
