#!/bin/sh
# Configures and builds backlogmc in build/ (Release with debug info). Extra arguments go to
# the CMake configure step, e.g. scripts/build.sh -DBACKLOGMC_SANITIZE=ON.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j "$(nproc)"
