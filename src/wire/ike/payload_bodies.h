// Internal to kg_wire: parse/write of each payload body (without the generic
// payload header). Parsers get a reader limited to the body.
#pragma once
#include "wire/ike/payloads.h"

namespace kg::ike {

Result<SaPayload> parse_sa(ByteReader& r);
Result<KePayload> parse_ke(ByteReader& r);
Result<IdPayload> parse_id(ByteReader& r);
Result<CertPayload> parse_cert(ByteReader& r);
Result<CertReqPayload> parse_certreq(ByteReader& r);
Result<AuthPayload> parse_auth(ByteReader& r);
Result<NoncePayload> parse_nonce(ByteReader& r);
Result<NotifyPayload> parse_notify(ByteReader& r);
Result<DeletePayload> parse_delete(ByteReader& r);
Result<TsPayload> parse_ts(ByteReader& r);
Result<CpPayload> parse_cp(ByteReader& r);
Result<SkfPayload> parse_skf(PayloadType next, ByteReader& r);

void write_sa(const SaPayload& sa, ByteWriter& w);
void write_ke(const KePayload& k, ByteWriter& w);
void write_id(const IdPayload& id, ByteWriter& w);
void write_auth(const AuthPayload& a, ByteWriter& w);
void write_notify(const NotifyPayload& n, ByteWriter& w);
void write_delete(const DeletePayload& d, ByteWriter& w);
void write_ts(const TsPayload& ts, ByteWriter& w);
void write_cp(const CpPayload& cp, ByteWriter& w);
void write_cert(const CertPayload& c, ByteWriter& w);
void write_certreq(const CertReqPayload& c, ByteWriter& w);
void write_skf(const SkfPayload& f, ByteWriter& w);

}  // namespace kg::ike
