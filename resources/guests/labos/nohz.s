; nohz.s — tickless idle (Linux's NO_HZ idle): CPU 0 stops taking timer interrupts while it idles.
;
; Interface: nohz_enter() (the idle loop, proc_lock held, just before idling), nohz_exit() (after
; the idle loop wakes, and first in CPU 0's timer interrupt; proc_lock held). Both keep r7..r12.
; How it works: before idling, CPU 0 finds its next deadline — the earliest sleeper's wake tick,
; the balloon driver's next poll and a refreshing top's next snapshot — and arms the timer's SKIP
; register (docs/isa.md §9.1) with the ticks before it. The timer absorbs those ticks (the guest
; clock still advances; no interrupt), so the vCPU halts until the deadline's tick or another
; interrupt instead of waking at every tick. nohz_exit reads SKIP — the ticks absorbed, which also
; disarms it — and accounts them as if each had been taken: `ticks`, the balloon countdown and
; top's move on, so every wake-up, poll and snapshot happens at the same tick as with a periodic
; timer. A tick that cannot be delivered when due (the vCPU is
; descheduled) is backlogged, caught up and given up as before: only idle ticks are absorbed.
; Rules: uniprocessor only — with several CPUs a secondary CPU finds a new process at its next tick
; and other CPUs read `ticks` (sleep), so an SMP labos keeps ticking. Boot parameter nohz=0: off.

nohz_enter:
  ENTER
  LOAD r1, nohz_on
  cmpi r1, 0
  beq .out
  LOAD r1, ncpu
  cmpi r1, 1
  bne .out
  LOAD r8, ticks
  li r7, NOHZ_MAX_TICKS          ; ticks to the deadline
  LOAD r1, balloon_on
  cmpi r1, 0
  beq .top                       ; no balloon driver: no poll deadline, but top's may still be set
  LOAD r1, balloon_wait          ; the poll is at the tick that takes it to 0
  cmp r1, r7
  bge .top
  mov r7, r1
.top:
  LOAD r1, sh_topleft            ; a refreshing top's next snapshot, likewise (shell.s)
  cmpi r1, 0
  beq .sleepers
  LOAD r1, sh_topwait
  cmp r1, r7
  bge .sleepers
  mov r7, r1
.sleepers:
  la r1, procs
  la r2, procs_end
.scan:
  cmp r1, r2
  bgeu .arm
  ldw r3, P_STATE(r1)
  cmpi r3, S_SLEEPING
  bne .next
  ldw r3, P_WAKE(r1)
  sub r3, r3, r8                 ; ticks to its wake tick (<= 0: due now)
  cmp r3, r7
  bge .next
  mov r7, r3
.next:
  addi r1, r1, PROC_SIZE
  j .scan
.arm:
  addi r7, r7, -1                ; the deadline's own tick interrupts
  cmpi r7, 0
  ble .out
  ARCH_OUT r7, TIMER_SKIP
  li r1, 1
  STORE r1, nohz_armed, r2
.out:
  LEAVE

nohz_exit:
  ENTER
  LOAD r1, nohz_armed
  cmpi r1, 0
  beq .none
  STORE r0, nohz_armed, r2
  ARCH_IN r7, TIMER_SKIP         ; ticks absorbed since armed (and disarm)
  LOAD r1, ticks
  add r1, r1, r7
  STORE r1, ticks, r2
  LOAD r1, sh_topleft
  cmpi r1, 0
  beq .balloon
  LOAD r1, sh_topwait
  sub r1, r1, r7
  STORE r1, sh_topwait, r2
.balloon:
  LOAD r1, balloon_on
  cmpi r1, 0
  beq .none
  LOAD r1, balloon_wait
  sub r1, r1, r7
  STORE r1, balloon_wait, r2
.none:
  LEAVE
