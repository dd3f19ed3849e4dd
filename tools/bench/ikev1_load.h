// keygate-bench ikev1 --local ADDR --remote ADDR [--sources K] [--count N]
// [--window W] [--psk KEY] [--local-ts PREFIX] [--remote-ts PREFIX]
// [--timeout S]: IKEv1 Main Mode + Quick Mode setups per second against one
// responder (ikev1_load.cc). Returns -1 on bad arguments (then the caller
// prints the usage).
#pragma once

namespace kg::bench {

int ikev1_main(int argc, char** argv);

}  // namespace kg::bench
