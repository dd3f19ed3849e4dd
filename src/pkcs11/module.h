// A loaded, initialized PKCS#11 module. Modules come from p11-kit: the ones
// registered in its configuration (pkcs11.conf(5), e.g. SoftHSM2's and
// OpenSC's module files), or one named by path for a module that is not
// registered (`crypto pki token NAME module PATH`). keygate only ever talks to
// the CK_FUNCTION_LIST; it never knows which module is behind it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "common/result.h"

namespace kg::pkcs11 {

class Module {
 public:
  // Every module registered with p11-kit that initializes, in p11-kit's
  // order, leaving out trust-policy modules (they hold CA lists, not keys).
  // A module that fails to initialize is skipped; `skipped` gets why.
  [[nodiscard]] static std::vector<std::shared_ptr<Module>> load_registered(std::vector<std::string>* skipped);
  // One module by file path (absolute, or a name p11-kit resolves in its
  // module directory).
  [[nodiscard]] static Result<std::shared_ptr<Module>> load_path(const std::string& path);

  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  [[nodiscard]] CK_FUNCTION_LIST* fn() const { return fn_; }
  // p11-kit's name for a registered module, else the path given.
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  Module(CK_FUNCTION_LIST* fn, std::string name) : fn_(fn), name_(std::move(name)) {}
  CK_FUNCTION_LIST* fn_;
  std::string name_;
};

}  // namespace kg::pkcs11
