#include "pkcs11/slot.h"

#include "pkcs11/rv.h"

namespace kg::pkcs11 {

std::string field_text(const unsigned char* p, size_t n) {
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0')) --n;
  return std::string(reinterpret_cast<const char*>(p), n);
}

Result<TokenSlot> read_slot(const std::shared_ptr<Module>& module, CK_SLOT_ID id) {
  CK_FUNCTION_LIST* f = module->fn();
  CK_SLOT_INFO si{};
  CK_RV rv = f->C_GetSlotInfo(id, &si);
  if (rv != CKR_OK) return rv_fail(rv, "C_GetSlotInfo");
  TokenSlot s;
  s.module = module;
  s.id = id;
  s.description = field_text(si.slotDescription, sizeof si.slotDescription);
  s.present = (si.flags & CKF_TOKEN_PRESENT) != 0;
  if (!s.present) return s;
  CK_TOKEN_INFO ti{};
  rv = f->C_GetTokenInfo(id, &ti);
  if (rv_token_gone(rv)) {
    s.present = false;
    return s;
  }
  if (rv != CKR_OK) return rv_fail(rv, "C_GetTokenInfo");
  s.token.label = field_text(ti.label, sizeof ti.label);
  s.token.manufacturer = field_text(ti.manufacturerID, sizeof ti.manufacturerID);
  s.token.model = field_text(ti.model, sizeof ti.model);
  s.token.serial = field_text(ti.serialNumber, sizeof ti.serialNumber);
  s.token.flags = ti.flags;
  s.token.raw = ti;
  return s;
}

Result<std::vector<TokenSlot>> list_slots(const std::shared_ptr<Module>& module) {
  CK_FUNCTION_LIST* f = module->fn();
  CK_ULONG n = 0;
  CK_RV rv = f->C_GetSlotList(CK_FALSE, nullptr, &n);
  if (rv != CKR_OK) return rv_fail(rv, "C_GetSlotList");
  std::vector<CK_SLOT_ID> ids(n);
  rv = f->C_GetSlotList(CK_FALSE, ids.data(), &n);
  if (rv != CKR_OK) return rv_fail(rv, "C_GetSlotList");
  ids.resize(n);
  std::vector<TokenSlot> out;
  for (CK_SLOT_ID id : ids) {
    auto s = read_slot(module, id);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace kg::pkcs11
