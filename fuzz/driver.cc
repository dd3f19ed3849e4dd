// Stand-alone driver for libFuzzer-style targets, so fuzz targets run inside
// `make test` with g++ and the sanitizers, no clang needed:
//   fuzz_X CORPUS_DIR [--iterations=N] [--seed=S]
// Replays every corpus file, then feeds N seeded mutations of them (byte
// flips, truncations, insertions, splices). For long coverage-guided runs,
// `make fuzz` links the same targets with AFL++'s driver instead
// (scripts/fuzz.sh, fuzz/afl_bridge.cc); clang's libFuzzer cannot build this
// tree on Debian 12 (clang 14 has no std::expected with libstdc++ 12).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

uint64_t rng_state = 0x9e3779b97f4a7c15ull;
uint64_t next() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

std::vector<uint8_t> mutate(std::vector<uint8_t> v, const std::vector<std::vector<uint8_t>>& corpus) {
  int rounds = 1 + int(next() % 4);
  for (int i = 0; i < rounds; ++i) {
    switch (next() % 6) {
      case 0:  // flip a bit
        if (!v.empty()) v[next() % v.size()] ^= uint8_t(1u << (next() % 8));
        break;
      case 1:  // random byte
        if (!v.empty()) v[next() % v.size()] = uint8_t(next());
        break;
      case 2:  // truncate
        if (!v.empty()) v.resize(next() % v.size());
        break;
      case 3:  // insert random bytes
        for (int k = int(next() % 8); k > 0; --k) v.insert(v.begin() + long(next() % (v.size() + 1)), uint8_t(next()));
        break;
      case 4:  // interesting values at a random offset
        if (v.size() >= 2) {
          size_t at = next() % (v.size() - 1);
          static const uint16_t vals[] = {0, 1, 0x7fff, 0x8000, 0xffff, 4, 8, 28};
          uint16_t x = vals[next() % 8];
          v[at] = uint8_t(x >> 8);
          v[at + 1] = uint8_t(x);
        }
        break;
      case 5:  // splice with another corpus entry
        if (!corpus.empty()) {
          auto& o = corpus[next() % corpus.size()];
          if (!o.empty()) {
            size_t cut = v.empty() ? 0 : next() % v.size();
            size_t from = next() % o.size();
            v.resize(cut);
            v.insert(v.end(), o.begin() + long(from), o.end());
          }
        }
        break;
    }
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = 10000;
  std::vector<std::vector<uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--iterations=", 13) == 0) {
      iterations = std::atol(argv[i] + 13);
    } else if (std::strncmp(argv[i], "--seed=", 7) == 0) {
      rng_state = std::strtoull(argv[i] + 7, nullptr, 0) | 1;
    } else {
      std::filesystem::path p(argv[i]);
      std::vector<std::filesystem::path> files;
      if (std::filesystem::is_directory(p)) {
        for (auto& e : std::filesystem::directory_iterator(p))
          if (e.is_regular_file()) files.push_back(e.path());
      } else {
        files.push_back(p);
      }
      for (auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
  }
  for (auto& c : corpus) LLVMFuzzerTestOneInput(c.data(), c.size());
  if (corpus.empty()) corpus.push_back({});
  for (long i = 0; i < iterations; ++i) {
    auto v = mutate(corpus[next() % corpus.size()], corpus);
    LLVMFuzzerTestOneInput(v.data(), v.size());
  }
  std::printf("fuzz: %zu corpus inputs, %ld mutations, no crash\n", corpus.size(), iterations);
  return 0;
}
