; sched.s — the round-robin scheduler of each CPU.
;
; Interface: `sched_return` (jumped to at the end of every trap from user mode: resume the current
; process or choose another; never returns), `scheduler` (a CPU's loop: run the next runnable
; process of its run queue, or idle until an interrupt).
; Rules: each CPU's run queue is the set of processes with P_CPU = its id (placed round-robin at
; creation, never migrated); the cursor CPU_LAST makes the choice round-robin. The timer sets
; CPU_RESCHED when the current process has used its quantum; yield sets it too. A killed process
; dies when it is next on its CPU. Host requests (shutdown/reboot, from the power device, irq.s)
; are acted on here. When no process is left, CPU 0 powers the machine off with the first process's
; status (unless the shell keeps it up: boot parameter shell=1).
; Runs with proc_lock held from trap entry; releases it only to idle and when leaving the kernel.

sched_return:
  call thiscpu
  mov r7, r1
  ldw r8, CPU_PROC(r7)
  cmpi r8, 0
  beq scheduler
  ldw r1, P_KILLED(r8)
  cmpi r1, 0
  beq .alive
  mov r1, r8
  li r2, -9
  call proc_exit
  j scheduler
.alive:
  ldw r1, P_STATE(r8)
  cmpi r1, S_RUNNING
  bne .gone
  ldw r1, CPU_RESCHED(r7)
  cmpi r1, 0
  bne .preempt
  call host_requests
  mov r1, r8
  j leave_to_user
.preempt:
  li r1, S_RUNNABLE
  stw r1, P_STATE(r8)
.gone:
  stw r0, CPU_PROC(r7)
  ; fall through

scheduler:
  call thiscpu
  mov r7, r1
  stw r0, CPU_RESCHED(r7)
  call host_requests
  ; pick the next runnable process of this CPU after the cursor
  ldw r9, CPU_LAST(r7)          ; index of the last process run
  ldw r10, CPU_ID(r7)
  li r11, NPROC                 ; candidates left
.pick:
  cmpi r11, 0
  beq .idle
  addi r11, r11, -1
  addi r9, r9, 1
  cmpi r9, NPROC
  blt .inrange
  li r9, 0
.inrange:
  li r1, PROC_SIZE
  mul r1, r9, r1
  la r8, procs
  add r8, r8, r1
  ldw r1, P_STATE(r8)
  cmpi r1, S_RUNNABLE
  bne .pick
  ldw r1, P_CPU(r8)
  cmp r1, r10
  bne .pick
  ldw r1, P_KILLED(r8)
  cmpi r1, 0
  beq .run
  mov r1, r8
  li r2, -9
  call proc_exit
  j scheduler
.run:
  stw r9, CPU_LAST(r7)
  li r1, S_RUNNING
  stw r1, P_STATE(r8)
  stw r0, P_SLICE(r8)
  stw r8, CPU_PROC(r7)
  mov r1, r8
  j leave_to_user
.idle:
  LOAD r1, nlive
  cmpi r1, 0
  bne .wait
  ldw r1, CPU_ID(r7)
  cmpi r1, 0
  bne .wait
  call shell_keepalive          ; shell=1: stay up for the next command (shell.s)
  cmpi r1, 0
  bne .wait
  LOAD r1, init_status
  j power_off_status
.wait:
  call nohz_enter               ; tickless: sleep through the ticks before the next deadline (nohz.s)
  call proc_unlock
  ARCH_IDLE
  call proc_lock_acquire
  call nohz_exit                ; woken by another interrupt: account the ticks slept through
  j scheduler

; leave_to_user(p): drop the kernel lock and resume p.
leave_to_user:
  mov r7, r1
  call proc_unlock
  mov r1, r7
  j uret

; host_requests: a shutdown or reboot asked for by the host (IRQ5, irq.s).
host_requests:
  LOAD r1, shutdown_req
  cmpi r1, 0
  bne .shutdown
  LOAD r1, reboot_req
  cmpi r1, 0
  bne .reboot
  ret
.shutdown:
  la r1, .ms
  call kputs_locked
  li r1, 0
  j power_off
.reboot:
  la r1, .mr
  call kputs_locked
  j reboot
.ms: .asciz "labos: shutdown requested by the host\n"
.mr: .asciz "labos: reboot requested by the host\n"
.align 4

; power_off_status(status): power off with the exit code derived from a process status:
; 0 stays 0, anything else becomes its low byte, or 1 if that byte is 0.
power_off_status:
  andi r2, r1, 0xff
  cmpi r1, 0
  beq .z
  cmpi r2, 0
  bne .nz
  li r2, 1
.nz:
  mov r1, r2
  j power_off
.z:
  li r1, 0
  j power_off
