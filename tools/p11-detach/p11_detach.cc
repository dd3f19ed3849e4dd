// p11-detach: a PKCS#11 module for tests and `make demo` ONLY. It forwards
// every call to a real module (P11_DETACH_MODULE, default SoftHSM2) and lets
// a test pull a token out of its slot and put it back, which SoftHSM cannot:
// while the file $P11_DETACH_DIR/<token label>.pulled exists, the slot is
// empty (C_GetSlotList(CK_TRUE) leaves it out, C_GetSlotInfo clears
// CKF_TOKEN_PRESENT), C_GetTokenInfo and C_OpenSession answer
// CKR_TOKEN_NOT_PRESENT, and any call on a session of that slot closes all
// its sessions (the token's login is gone, as with a real USB token) and
// answers CKR_DEVICE_REMOVED. It has no slot events (like SoftHSM), so
// keygate polls it.
//
// P11_DETACH_SIGN_DELAY_MS=N makes every C_Sign wait N ms before it reaches
// the token (then looks again whether the token was pulled meanwhile), so a
// test can pull the token in the middle of a signature.
//
// keygate never knows this module is there: it loads it like any other
// (`crypto pki token NAME module PATH`, or a p11-kit module file).
#include <dlfcn.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <p11-kit/pkcs11.h>

namespace {

CK_FUNCTION_LIST* g_under = nullptr;  // the real module's functions
CK_FUNCTION_LIST g_list;              // ours: g_under's with the overrides below
bool g_owns_init = false;             // did our C_Initialize initialize it?

std::string trim(const unsigned char* p, size_t n) {
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0')) --n;
  return std::string(reinterpret_cast<const char*>(p), n);
}

// Is the token in this slot pulled out?
bool pulled(CK_SLOT_ID slot) {
  const char* dir = std::getenv("P11_DETACH_DIR");
  if (!dir) return false;
  CK_TOKEN_INFO ti;
  if (g_under->C_GetTokenInfo(slot, &ti) != CKR_OK) return false;
  std::string path = std::string(dir) + "/" + trim(ti.label, sizeof ti.label) + ".pulled";
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// A call on a session of a pulled token: the token took its sessions with it.
CK_RV session_gone(CK_SESSION_HANDLE h) {
  CK_SESSION_INFO si;
  if (g_under->C_GetSessionInfo(h, &si) != CKR_OK) return CKR_OK;  // the real module answers
  if (!pulled(si.slotID)) return CKR_OK;
  (void)g_under->C_CloseAllSessions(si.slotID);
  return CKR_DEVICE_REMOVED;
}

// Every function whose first argument is a session handle goes through here.
template <auto Member, typename F>
struct Guard;
template <auto Member, typename... A>
struct Guard<Member, CK_RV (*)(CK_SESSION_HANDLE, A...)> {
  static CK_RV call(CK_SESSION_HANDLE h, A... a) {
    if (CK_RV rv = session_gone(h); rv != CKR_OK) return rv;
    return (g_under->*Member)(h, a...);
  }
};
// C_Sign, slowed down by P11_DETACH_SIGN_DELAY_MS (a token that takes its
// time, or one pulled during the signature).
CK_RV slow_sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG n, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
  if (CK_RV rv = session_gone(h); rv != CKR_OK) return rv;
  if (const char* ms = std::getenv("P11_DETACH_SIGN_DELAY_MS"); ms && sig)
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atol(ms)));
  if (CK_RV rv = session_gone(h); rv != CKR_OK) return rv;
  return g_under->C_Sign(h, data, n, sig, sig_len);
}

#define KG_GUARD(name) g_list.name = Guard<&CK_FUNCTION_LIST::name, decltype(CK_FUNCTION_LIST::name)>::call

CK_RV initialize(void* args) {
  CK_RV rv = g_under->C_Initialize(args);
  if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) return CKR_OK;  // shared with another user in this process
  if (rv == CKR_OK) g_owns_init = true;
  return rv;
}

CK_RV finalize(void* reserved) {
  if (!g_owns_init) return CKR_OK;
  g_owns_init = false;
  return g_under->C_Finalize(reserved);
}

CK_RV get_slot_list(CK_BBOOL present_only, CK_SLOT_ID* list, CK_ULONG* count) {
  if (!present_only) return g_under->C_GetSlotList(CK_FALSE, list, count);
  CK_ULONG n = 0;
  CK_RV rv = g_under->C_GetSlotList(CK_TRUE, nullptr, &n);
  if (rv != CKR_OK) return rv;
  CK_SLOT_ID* all = static_cast<CK_SLOT_ID*>(std::calloc(n ? n : 1, sizeof(CK_SLOT_ID)));
  rv = g_under->C_GetSlotList(CK_TRUE, all, &n);
  CK_ULONG kept = 0;
  for (CK_ULONG i = 0; rv == CKR_OK && i < n; ++i) {
    if (!pulled(all[i])) all[kept++] = all[i];
  }
  if (rv == CKR_OK) {
    if (list && *count < kept) rv = CKR_BUFFER_TOO_SMALL;
    else if (list) std::memcpy(list, all, kept * sizeof(CK_SLOT_ID));
    *count = kept;
  }
  std::free(all);
  return rv;
}

CK_RV get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO* info) {
  CK_RV rv = g_under->C_GetSlotInfo(slot, info);
  if (rv == CKR_OK && pulled(slot)) info->flags &= ~static_cast<CK_FLAGS>(CKF_TOKEN_PRESENT);
  return rv;
}

CK_RV get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO* info) {
  if (pulled(slot)) return CKR_TOKEN_NOT_PRESENT;
  return g_under->C_GetTokenInfo(slot, info);
}

CK_RV open_session(CK_SLOT_ID slot, CK_FLAGS flags, void* app, CK_NOTIFY notify, CK_SESSION_HANDLE* h) {
  if (pulled(slot)) {
    (void)g_under->C_CloseAllSessions(slot);
    return CKR_TOKEN_NOT_PRESENT;
  }
  return g_under->C_OpenSession(slot, flags, app, notify, h);
}

CK_RV get_mechanism_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE* list, CK_ULONG* count) {
  if (pulled(slot)) return CKR_TOKEN_NOT_PRESENT;
  return g_under->C_GetMechanismList(slot, list, count);
}

CK_RV get_mechanism_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO* info) {
  if (pulled(slot)) return CKR_TOKEN_NOT_PRESENT;
  return g_under->C_GetMechanismInfo(slot, type, info);
}

CK_RV wait_for_slot_event(CK_FLAGS, CK_SLOT_ID*, void*) { return CKR_FUNCTION_NOT_SUPPORTED; }

bool load_under() {
  if (g_under) return true;
  const char* path = std::getenv("P11_DETACH_MODULE");
  if (!path) path = "/usr/lib/softhsm/libsofthsm2.so";
  void* lib = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return false;
  auto get = reinterpret_cast<CK_RV (*)(CK_FUNCTION_LIST**)>(::dlsym(lib, "C_GetFunctionList"));
  if (!get || get(&g_under) != CKR_OK || !g_under) return false;
  g_list = *g_under;
  g_list.C_Initialize = initialize;
  g_list.C_Finalize = finalize;
  g_list.C_GetSlotList = get_slot_list;
  g_list.C_GetSlotInfo = get_slot_info;
  g_list.C_GetTokenInfo = get_token_info;
  g_list.C_GetMechanismList = get_mechanism_list;
  g_list.C_GetMechanismInfo = get_mechanism_info;
  g_list.C_OpenSession = open_session;
  g_list.C_WaitForSlotEvent = wait_for_slot_event;
  KG_GUARD(C_GetSessionInfo);
  KG_GUARD(C_GetOperationState);
  KG_GUARD(C_SetOperationState);
  KG_GUARD(C_Login);
  KG_GUARD(C_Logout);
  KG_GUARD(C_InitPIN);
  KG_GUARD(C_SetPIN);
  KG_GUARD(C_CreateObject);
  KG_GUARD(C_CopyObject);
  KG_GUARD(C_DestroyObject);
  KG_GUARD(C_GetObjectSize);
  KG_GUARD(C_GetAttributeValue);
  KG_GUARD(C_SetAttributeValue);
  KG_GUARD(C_FindObjectsInit);
  KG_GUARD(C_FindObjects);
  KG_GUARD(C_FindObjectsFinal);
  KG_GUARD(C_EncryptInit);
  KG_GUARD(C_Encrypt);
  KG_GUARD(C_DecryptInit);
  KG_GUARD(C_Decrypt);
  KG_GUARD(C_DigestInit);
  KG_GUARD(C_Digest);
  KG_GUARD(C_SignInit);
  g_list.C_Sign = slow_sign;
  KG_GUARD(C_SignUpdate);
  KG_GUARD(C_SignFinal);
  KG_GUARD(C_VerifyInit);
  KG_GUARD(C_Verify);
  KG_GUARD(C_GenerateKey);
  KG_GUARD(C_GenerateKeyPair);
  KG_GUARD(C_WrapKey);
  KG_GUARD(C_UnwrapKey);
  KG_GUARD(C_DeriveKey);
  KG_GUARD(C_SeedRandom);
  KG_GUARD(C_GenerateRandom);
  return true;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST** out) {
  if (!out) return CKR_ARGUMENTS_BAD;
  if (!load_under()) return CKR_GENERAL_ERROR;
  *out = &g_list;
  return CKR_OK;
}
