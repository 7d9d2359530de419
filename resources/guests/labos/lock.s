; lock.s — spinlocks (xchg) protecting state shared between CPUs.
;
; Interface: spin_lock(addr), spin_unlock(addr); named wrappers proc_lock_acquire/proc_unlock
; (the process table and scheduler state: taken on every kernel entry, a big kernel lock),
; kmem_acquire/kmem_release (frame allocator), cons_lock/cons_unlock (console: one message at
; a time), disk_acquire/disk_release (the disk controller).
; Rules: locks are words, 0 = free, 1 = held; the kernel runs with interrupts off, so a holder
; is never interrupted on its own CPU; order: proc_lock before kmem/disk, cons_lock innermost.
; A CPU spinning while another powers the machine off parks (power.s), so power-off never waits
; for a lock.
; Every function here preserves r1 and r5..r12 (they clobber r2..r4 only).

spin_lock:
  li r3, 1
.try:
  ARCH_XCHG r3, r1
  cmpi r3, 0
  beq .got
.spin:
  LOAD r3, halting            ; the machine is going off: stop here (interrupts are off)
  cmpi r3, 0
  bne park_self
  ldw r3, 0(r1)
  cmpi r3, 0
  bne .spin
  li r3, 1
  j .try
.got:
  ret

spin_unlock:
  stw r0, 0(r1)
  ret

.macro LOCKFN name, unlockname, word
\name:
  push lr
  mov r4, r1
  la r1, \word
  call spin_lock
  mov r1, r4
  pop lr
  ret
\unlockname:
  la r2, \word
  stw r0, 0(r2)
  ret
.endm

  LOCKFN proc_lock_acquire, proc_unlock, proc_lock
  LOCKFN kmem_acquire, kmem_release, kmem_lock
  LOCKFN cons_lock, cons_unlock, cons_lockw
  LOCKFN disk_acquire, disk_release, disk_lock
