// keygate-bench udp-send / udp-recv: small UDP datagrams at the highest rate
// one core can send (sendmmsg batches) and a receiver that counts them
// (recvmmsg batches), for make bench's packets-per-second figures. iperf3
// sends and receives one datagram per system call, so at 64 bytes its own
// sender or receiver, not the tunnel under test, was the limit.
#pragma once

namespace kg::bench {

int udp_send_main(int argc, char** argv);
int udp_recv_main(int argc, char** argv);

}  // namespace kg::bench
