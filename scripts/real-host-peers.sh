#!/usr/bin/env bash
# Real-host test peers: a throwaway OpenSSH sshd on 127.0.0.1 and a libvirtd + virtlogd without systemd,
# with one tiny QEMU domain (TCG) booting a boot sector assembled by scripts/peers/tinyGuest.mjs. The
# libvirt-backend integration tests, the Playwright real-host flow and bench/libvirt-inventory.ts run
# against them. CI starts them once per run (.ci/run); a developer runs the same:
#
#   sudo scripts/real-host-peers.sh start     # prints the environment; also written to $DIR/peers.env
#   source /tmp/hvlab-peers/peers.env         # then run the tests
#   sudo scripts/real-host-peers.sh stop
#
# Settings (environment): HVLAB_PEERS_DIR (default /tmp/hvlab-peers), HVLAB_PEERS_SSH_PORT (default 2222).
# Needs root (libvirtd's system mode) and Debian's openssh-server, libvirt-daemon,
# libvirt-daemon-driver-qemu, libvirt-clients, qemu-system-x86, qemu-utils. Refuses to start where
# another libvirtd is running (its state folders under /etc, /run and /var/lib are shared).
#
# Exported for the tests (peers.env):
#   HVLAB_SSH_HOST, HVLAB_SSH_PORT, HVLAB_SSH_USER   where the sshd listens and who logs in: hvlab-peer, a
#                                                    system user with /bin/sh (no rc files: each command
#                                                    starts in milliseconds) in the group that may use
#                                                    libvirtd's socket, as a lab user of a KVM host would be
#   HVLAB_SSH_USER_HOME                              that user's home (where a remote command starts)
#   HVLAB_SSH_KEY                                    the client's private key (ed25519, no passphrase)
#   HVLAB_SSH_HOST_KEY                               the sshd's public host key (`ssh-ed25519 AAAA…`)
#   HVLAB_LIBVIRT_URI                                libvirtd's URI on that host (the sshd also sets it as
#                                                    LIBVIRT_DEFAULT_URI for its sessions, so plain `virsh` works)
#   HVLAB_LIBVIRT_DOMAIN                             the tiny domain's name (defined, shut off)
#   HVLAB_PEERS_DIR                                  this folder
set -euo pipefail

DIR=${HVLAB_PEERS_DIR:-/tmp/hvlab-peers}
SSH_PORT=${HVLAB_PEERS_SSH_PORT:-2222}
DOMAIN=hvlab-tiny
PEER_USER=hvlab-peer
PEER_HOME=/var/lib/hvlab-peer
HERE=$(cd "$(dirname "$0")" && pwd)

say() { echo "real-host-peers: $*" >&2; }
die() { say "error: $*"; exit 1; }

uri() { echo "qemu:///system?socket=$DIR/run/libvirt-sock"; }

stop_peers() {
  export LIBVIRT_DEFAULT_URI; LIBVIRT_DEFAULT_URI=$(uri)
  if [ -f "$DIR/libvirtd.pid" ] && kill -0 "$(cat "$DIR/libvirtd.pid")" 2>/dev/null; then
    # Running domains first (QEMU outlives libvirtd), then everything this folder defined (by UUID).
    for d in $(virsh list --name 2>/dev/null); do virsh destroy "$d" >/dev/null 2>&1 || true; done
    if [ -f "$DIR/defined" ]; then
      while read -r d; do
        [ -n "$d" ] && virsh undefine "$d" --snapshots-metadata --managed-save >/dev/null 2>&1 || true
      done < "$DIR/defined"
    fi
    for d in $(virsh list --all --name 2>/dev/null | grep '^hvlab-' || true); do
      virsh destroy "$d" >/dev/null 2>&1 || true
      virsh undefine "$d" --snapshots-metadata --managed-save >/dev/null 2>&1 || true
    done
  fi
  for p in sshd libvirtd virtlogd; do
    if [ -f "$DIR/$p.pid" ]; then
      pid=$(cat "$DIR/$p.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$DIR/$p.pid"
    fi
  done
  say "stopped"
}

start_peers() {
  [ "$(id -u)" = 0 ] || die "needs root (libvirtd runs in system mode)"
  for t in /usr/sbin/sshd ssh-keygen libvirtd virtlogd virsh qemu-system-x86_64 qemu-img node; do
    command -v "$t" >/dev/null || die "$t is missing (apt-get install -y openssh-server libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils)"
  done
  if [ -f "$DIR/libvirtd.pid" ] && kill -0 "$(cat "$DIR/libvirtd.pid")" 2>/dev/null; then
    die "already running from $DIR (stop first)"
  fi
  if pgrep -x libvirtd >/dev/null; then die "another libvirtd is running on this machine; its state folders would be shared"; fi

  # From here on, a start that fails half-way stops what it had started (no daemon left behind).
  trap 'rc=$?; [ "$rc" = 0 ] || stop_peers; exit "$rc"' EXIT
  rm -rf "$DIR"; mkdir -p "$DIR/run"; chmod 755 "$DIR"
  : > "$DIR/defined"

  # The login user: a plain POSIX shell, libvirtd's socket group.
  getent group "$PEER_USER" >/dev/null || addgroup --quiet --system "$PEER_USER"
  getent passwd "$PEER_USER" >/dev/null || adduser --quiet --system --ingroup "$PEER_USER" --home "$PEER_HOME" \
    --shell /bin/sh --disabled-password "$PEER_USER"
  usermod -p '*' "$PEER_USER"   # no password, yet not "locked" (sshd without PAM refuses locked accounts)
  mkdir -p "$PEER_HOME"; chown "$PEER_USER:$PEER_USER" "$PEER_HOME"

  # sshd: its own host key, one client key, that user by key only, libvirt's socket for every session.
  ssh-keygen -q -t ed25519 -N '' -C hvlab-peer-host -f "$DIR/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C hvlab-peer-client -f "$DIR/client_ed25519"
  cp "$DIR/client_ed25519.pub" "$DIR/authorized_keys"; chmod 600 "$DIR/authorized_keys"
  chown "$PEER_USER" "$DIR/authorized_keys"   # sshd reads it as the user
  cat > "$DIR/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_ed25519
PidFile $DIR/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
PermitRootLogin no
AllowUsers $PEER_USER
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxSessions 64
MaxStartups 64:30:128
SetEnv LIBVIRT_DEFAULT_URI=$(uri)
EOF
  mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$DIR/sshd_config" || die "sshd rejected its configuration"
  /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"

  # libvirtd + virtlogd without systemd: the compile-time QEMU user must exist, and the log folders.
  getent group libvirt-qemu >/dev/null || addgroup --quiet --system libvirt-qemu
  getent group kvm >/dev/null || addgroup --quiet --system kvm
  getent passwd libvirt-qemu >/dev/null || adduser --quiet --system --ingroup kvm --no-create-home \
    --home /var/lib/libvirt --disabled-login --disabled-password libvirt-qemu
  mkdir -p /var/log/libvirt/qemu
  cat > "$DIR/libvirtd.conf" <<EOF
unix_sock_dir = "$DIR/run"
unix_sock_group = "$PEER_USER"
unix_sock_rw_perms = "0770"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:$DIR/libvirtd.log"
EOF
  virtlogd -d --pid-file "$DIR/virtlogd.pid"
  libvirtd -d -f "$DIR/libvirtd.conf" --pid-file "$DIR/libvirtd.pid"
  export LIBVIRT_DEFAULT_URI; LIBVIRT_DEFAULT_URI=$(uri)
  ok=
  for _ in $(seq 600); do virsh version >/dev/null 2>&1 && { ok=1; break; }; sleep 0.1; done
  [ -n "$ok" ] || die "libvirtd did not answer within 60 s (see $DIR/libvirtd.log)"
  # libvirtd keeps its definitions under /etc/libvirt: a run that was killed before its stop leaves its
  # hvlab-* domains behind, and no other libvirtd is running, so they are ours to remove.
  for d in $(virsh list --all --name 2>/dev/null | grep '^hvlab-' || true); do
    virsh destroy "$d" >/dev/null 2>&1 || true
    virsh undefine "$d" --snapshots-metadata --managed-save >/dev/null 2>&1 || true
  done

  # The tiny domain: TCG, 32 MiB, one vCPU, a qcow2 disk holding the boot sector, a serial console.
  node "$HERE/peers/tinyGuest.mjs" "$DIR/tiny.img"
  qemu-img convert -q -f raw -O qcow2 "$DIR/tiny.img" "$DIR/$DOMAIN.qcow2"
  chmod 644 "$DIR/$DOMAIN.qcow2"
  cat > "$DIR/$DOMAIN.xml" <<EOF
<domain type='qemu'>
  <name>$DOMAIN</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='$DIR/$DOMAIN.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <serial type='pty'/><console type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
  virsh define "$DIR/$DOMAIN.xml" >/dev/null || die "virsh define failed (see $DIR/libvirtd.log)"
  virsh domuuid "$DOMAIN" >> "$DIR/defined"   # by UUID: a test may rename the domain

  cat > "$DIR/peers.env" <<EOF
export HVLAB_SSH_HOST=127.0.0.1
export HVLAB_SSH_PORT=$SSH_PORT
export HVLAB_SSH_USER=$PEER_USER
export HVLAB_SSH_USER_HOME=$PEER_HOME
export HVLAB_SSH_KEY=$DIR/client_ed25519
export HVLAB_SSH_HOST_KEY='$(cut -d' ' -f1,2 "$DIR/host_ed25519.pub")'
export HVLAB_LIBVIRT_URI='$(uri)'
export HVLAB_LIBVIRT_DOMAIN=$DOMAIN
export HVLAB_PEERS_DIR=$DIR
EOF
  say "sshd on 127.0.0.1:$SSH_PORT, libvirtd at $(uri), domain $DOMAIN; environment in $DIR/peers.env"
  cat "$DIR/peers.env"; echo
}

case "${1:-}" in
  start) start_peers ;;
  stop) stop_peers ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
