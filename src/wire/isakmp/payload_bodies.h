// Internal to the ISAKMP codec: parse/write of each payload body (without the
// generic header). Parsers get a reader limited to the body and must consume
// it exactly. The SA payload is in sa.h.
#pragma once
#include "wire/isakmp/payloads.h"

namespace kg::isakmp {

Result<Payload> parse_body(PayloadType t, ByteReader& r);
void write_body(const Payload& p, ByteWriter& w);

}  // namespace kg::isakmp
