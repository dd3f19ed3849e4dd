#include "pkcs11/module.h"

#include <cstdlib>
#include <cstring>

#include <p11-kit/p11-kit.h>

#include "pkcs11/rv.h"

namespace kg::pkcs11 {
namespace {

std::string take_string(char* s) {
  std::string r = s ? s : "";
  std::free(s);
  return r;
}

}  // namespace

std::vector<std::shared_ptr<Module>> Module::load_registered(std::vector<std::string>* skipped) {
  std::vector<std::shared_ptr<Module>> out;
  CK_FUNCTION_LIST** list = p11_kit_modules_load(nullptr, 0);
  if (!list) {
    if (skipped) skipped->push_back(std::string("p11-kit: ") + (p11_kit_message() ? p11_kit_message() : "no modules"));
    return out;
  }
  for (CK_FUNCTION_LIST** m = list; *m; ++m) {
    std::string name = take_string(p11_kit_module_get_name(*m));
    std::string trust = take_string(p11_kit_config_option(*m, "trust-policy"));
    if (trust == "yes" || trust == "true") {
      p11_kit_module_release(*m);
      continue;
    }
    CK_RV rv = p11_kit_module_initialize(*m);
    if (rv != CKR_OK) {
      if (skipped) skipped->push_back(name + ": C_Initialize: " + rv_name(rv));
      p11_kit_module_release(*m);
      continue;
    }
    out.push_back(std::shared_ptr<Module>(new Module(*m, name)));
  }
  std::free(list);  // the modules are released one by one (~Module)
  return out;
}

Result<std::shared_ptr<Module>> Module::load_path(const std::string& path) {
  CK_FUNCTION_LIST* fn = p11_kit_module_load(path.c_str(), 0);
  if (!fn) {
    const char* msg = p11_kit_message();
    return fail(Errc::kNotFound, "cannot load PKCS#11 module " + path + (msg ? std::string(": ") + msg : ""));
  }
  CK_RV rv = p11_kit_module_initialize(fn);
  if (rv != CKR_OK) {
    p11_kit_module_release(fn);
    return rv_fail(rv, "PKCS#11 module " + path + ": C_Initialize");
  }
  return std::shared_ptr<Module>(new Module(fn, path));
}

Module::~Module() {
  p11_kit_module_finalize(fn_);
  p11_kit_module_release(fn_);
}

}  // namespace kg::pkcs11
