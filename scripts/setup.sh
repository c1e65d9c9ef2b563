#!/bin/sh
# Installs the Debian 12 packages backlogmc needs to build, test and report, if any is
# missing. Run as root (or with sudo available). Does nothing when all are present.
# Slurm and munge are for the test that runs the job scripts under a real Slurm
# (tests/test_slurm.sh starts its own daemons; the packages' services are not used).
set -eu
packages="build-essential cmake pkg-config git libgsl-dev libhdf5-dev hdf5-tools libopenmpi-dev
openmpi-bin libcmocka-dev libfyaml-dev librandom123-dev python3 python3-h5py python3-numpy
python3-matplotlib clang libomp-dev time slurm-wlm slurmd slurmctld slurm-client munge"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing$missing" >&2
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086
$as_root apt-get install -y -q --no-install-recommends $missing
