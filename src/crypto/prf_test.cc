#include "crypto/prf.h"

#include <gtest/gtest.h>

#include "crypto/auth.h"
#include "crypto/algorithms.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

using testing::load_vectors;

Bytes cat(ByteView a, ByteView b) {
  Bytes r(a.begin(), a.end());
  r.insert(r.end(), b.begin(), b.end());
  return r;
}

Bytes to_bytes(const Secret& s) { return Bytes(s.view().begin(), s.view().end()); }

TEST(Prf, PublishedHmacVectors) {
  auto vs = load_vectors("hmac_prf.txt");
  ASSERT_GE(vs.size(), 8u);
  for (const auto& v : vs) {
    // The vector file numbers PRFs as IKEv2 does; the registry translates.
    const PrfAlgorithm* row = find_prf_by_ikev2_id(uint16_t(std::stoi(v.str("prf"))));
    ASSERT_TRUE(row) << v.str("source");
    Prf alg = row->id;
    auto out = prf(alg, v.hex("key"), v.hex("data"));
    ASSERT_TRUE(out) << v.str("source");
    EXPECT_EQ(to_hex(out->view()), v.str("out")) << v.str("source");
    EXPECT_EQ(out->size(), prf_size(alg));
  }
}

TEST(Prf, Sha1AndMd5Sizes) {
  EXPECT_EQ(prf(Prf::kHmacSha1, as_bytes("k"), as_bytes("d"))->size(), 20u);
  EXPECT_EQ(prf(Prf::kHmacMd5, as_bytes("k"), as_bytes("d"))->size(), 16u);
  EXPECT_FALSE(prf(static_cast<Prf>(99), as_bytes("k"), as_bytes("d")));
}

// RFC 4231 data never ends in 0x01, so prf+ is checked structurally against
// the (vector-checked) prf: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).
TEST(PrfPlus, BlocksFollowRfc7296Section2_13) {
  const Bytes key(20, 0x0b);
  const ByteView seed = as_bytes("Hi There");
  auto out = prf_plus(Prf::kHmacSha2_256, key, seed, 100);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 100u);
  Bytes prev;
  for (uint8_t n = 1; n <= 4; ++n) {
    Bytes in = cat(cat(prev, seed), Bytes{n});
    auto t = prf(Prf::kHmacSha2_256, key, in);
    ASSERT_TRUE(t);
    const size_t off = (n - 1) * 32u, len = std::min<size_t>(32, 100 - off);
    EXPECT_EQ(to_hex(out->view().subspan(off, len)), to_hex(t->view().first(len))) << int(n);
    prev = to_bytes(*t);
  }
  // Shorter outputs are prefixes of longer ones.
  auto short_out = prf_plus(Prf::kHmacSha2_256, key, seed, 33);
  EXPECT_EQ(to_hex(short_out->view()), to_hex(out->view().first(33)));
}

TEST(PrfPlus, LimitIs255Blocks) {
  EXPECT_TRUE(prf_plus(Prf::kHmacSha1, as_bytes("k"), as_bytes("s"), 255 * 20));
  auto r = prf_plus(Prf::kHmacSha1, as_bytes("k"), as_bytes("s"), 255 * 20 + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kLimit);
}

TEST(KeySchedule, SkeyseedAndIkeKeysSplitPrfPlus) {
  const Bytes ni(32, 0x11), nr(32, 0x22), gir(32, 0x33);
  auto seed = skeyseed(Prf::kHmacSha2_256, ni, nr, gir);
  ASSERT_TRUE(seed);
  EXPECT_EQ(to_hex(seed->view()), to_hex(prf(Prf::kHmacSha2_256, cat(ni, nr), gir)->view()));

  IkeKeySizes sz{16, 32, 32};
  auto k = derive_ike_keys(Prf::kHmacSha2_256, sz, seed->view(), ni, nr, 0x0102030405060708ULL, 0x1112131415161718ULL);
  ASSERT_TRUE(k);
  Bytes s = cat(cat(ni, nr), *from_hex("01020304050607081112131415161718"));
  auto km = prf_plus(Prf::kHmacSha2_256, seed->view(), s, 32 * 3 + 32 * 2 + 16 * 2);
  ASSERT_TRUE(km);
  Bytes expect = to_bytes(*km), got;
  for (const Secret* x : {&k->sk_d, &k->sk_ai, &k->sk_ar, &k->sk_ei, &k->sk_er, &k->sk_pi, &k->sk_pr})
    got.insert(got.end(), x->view().begin(), x->view().end());
  EXPECT_EQ(to_hex(got), to_hex(expect));
  EXPECT_EQ(k->sk_ei.size(), 16u);
  EXPECT_EQ(k->sk_pr.size(), 32u);

  auto rk = skeyseed_rekey(Prf::kHmacSha2_256, k->sk_d.view(), gir, ni, nr);
  EXPECT_EQ(to_hex(rk->view()), to_hex(prf(Prf::kHmacSha2_256, k->sk_d.view(), cat(cat(gir, ni), nr))->view()));
}

TEST(KeySchedule, ChildKeysOrderAndOptionalGir) {
  const Bytes skd(32, 0x44), ni(16, 1), nr(16, 2), gir(8, 3);
  auto k = derive_child_keys(Prf::kHmacSha2_256, skd, 20, 32, gir, ni, nr);
  ASSERT_TRUE(k);
  auto km = prf_plus(Prf::kHmacSha2_256, skd, cat(cat(gir, ni), nr), 104);
  EXPECT_EQ(to_hex(k->encr_i.view()), to_hex(km->view().subspan(0, 20)));
  EXPECT_EQ(to_hex(k->integ_i.view()), to_hex(km->view().subspan(20, 32)));
  EXPECT_EQ(to_hex(k->encr_r.view()), to_hex(km->view().subspan(52, 20)));
  EXPECT_EQ(to_hex(k->integ_r.view()), to_hex(km->view().subspan(72, 32)));
  auto no_pfs = derive_child_keys(Prf::kHmacSha2_256, skd, 20, 0, {}, ni, nr);
  ASSERT_TRUE(no_pfs);
  EXPECT_TRUE(no_pfs->integ_i.empty());
  EXPECT_EQ(to_hex(no_pfs->encr_i.view()),
            to_hex(prf_plus(Prf::kHmacSha2_256, skd, cat(ni, nr), 20)->view()));
}

TEST(Auth, SignedOctetsAndPskAuth) {
  const Bytes msg{1, 2, 3}, nonce{4, 5}, skp(32, 7), id{2, 0, 0, 0, 'a'};
  auto oct = signed_octets(Prf::kHmacSha2_256, msg, nonce, skp, id);
  ASSERT_TRUE(oct);
  Bytes expect = cat(cat(msg, nonce), to_bytes(*prf(Prf::kHmacSha2_256, skp, id)));
  EXPECT_EQ(*oct, expect);
  auto a = psk_auth(Prf::kHmacSha2_256, as_bytes("secret"), *oct);
  ASSERT_TRUE(a);
  auto inner = prf(Prf::kHmacSha2_256, as_bytes("secret"), as_bytes("Key Pad for IKEv2"));
  EXPECT_EQ(to_hex(*a), to_hex(prf(Prf::kHmacSha2_256, inner->view(), *oct)->view()));
  EXPECT_EQ(as_bytes("Key Pad for IKEv2").size(), 17u);
}

}  // namespace
}  // namespace kg::crypto
