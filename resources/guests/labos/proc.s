; proc.s — processes: the table, creation, exit, waiting, killing.
;
; Interface:
;   proc_create(entry, arg, parent, name) -> p or 0   new process running the user-image function
;                                                     `entry`, r1 = arg, on the next CPU round-robin
;   proc_exit(p, status)      p ends: memory freed, status to a waiting parent or kept (ZOMBIE)
;   proc_fault(p, cause)      p is killed by an exception: message, then proc_exit(-100 - cause)
;   proc_find(pid) -> p or 0  a live or zombie process
;   thiscpu() -> this CPU's structure
; Rules: callers hold proc_lock (every path through the kernel takes it on entry, proc_lock
; protects the table and every process's state). A process runs on one CPU only (P_CPU); only that
; CPU changes it from RUNNING. Exit statuses are also recorded by pid in the results area.
; A new process's address space: a private copy of the user image at USER_BASE, heap after it,
; USTACK_PAGES of stack below USER_TOP, the kernel's shared direct map (U=0) below USER_BASE.

thiscpu:
  ARCH_GETCR r1, CR_SCRATCH1
  ret

; proc_create(entry r1, arg r2, parent r3, name r4) -> p or 0
proc_create:
  ENTER
  mov r9, r1
  mov r10, r2
  mov r11, r3
  mov r12, r4
  ; find a free slot
  la r7, procs
  la r2, procs_end
.find:
  cmp r7, r2
  bgeu .none
  ldw r1, P_STATE(r7)
  cmpi r1, S_UNUSED
  beq .found
  addi r7, r7, PROC_SIZE
  j .find
.none:
  li r1, 0
  LEAVE
.found:
  mov r1, r7
  li r2, PROC_SIZE
  call memzero
  li r1, S_EMBRYO
  stw r1, P_STATE(r7)
  stw r11, P_PARENT(r7)
  stw r12, P_NAME(r7)
  LOAD r1, ticks
  stw r1, P_START(r7)
  call uvm_create
  cmpi r1, 0
  beq .fail
  stw r1, P_PGDIR(r7)
  ; copy the user image, page by page
  li r8, 0
.img:
  la r1, uimg_end - uimg_start
  cmp r8, r1
  bgeu .imgdone
  call kalloc
  cmpi r1, 0
  beq .fail
  mov r11, r1
  la r2, uimg_start
  add r2, r2, r8
  li r3, PAGE_SIZE
  call memcpy
  ldw r1, P_PGDIR(r7)
  li r2, USER_BASE
  add r2, r2, r8
  mov r3, r11
  li r4, PTE_W | PTE_U
  call map_page
  cmpi r1, 0
  bne .failf
  addi r8, r8, PAGE_SIZE
  j .img
.imgdone:
  li r1, USER_BASE
  add r1, r1, r8
  stw r1, P_BRK(r7)
  stw r1, P_HEAP0(r7)
  ; the stack
  li r8, USER_TOP - USTACK_PAGES * PAGE_SIZE
.stk:
  li r1, USER_TOP
  cmp r8, r1
  bgeu .stkdone
  call kalloc
  cmpi r1, 0
  beq .fail
  mov r11, r1
  ldw r1, P_PGDIR(r7)
  mov r2, r8
  mov r3, r11
  li r4, PTE_W | PTE_U
  call map_page
  cmpi r1, 0
  bne .failf
  li r1, PAGE_SIZE
  add r8, r8, r1
  j .stk
.stkdone:
  ; registers: r1 = arg, sp = USER_TOP, lr = u_exit, pc = entry, user mode with IE = 1
  stw r10, P_R1(r7)
  li r1, USER_TOP
  stw r1, P_SP(r7)
  la r1, u_exit - uimg_start + USER_BASE
  stw r1, P_LR(r7)
  la r1, uimg_start
  sub r1, r9, r1
  li r2, USER_BASE
  add r1, r1, r2
  stw r1, P_PC(r7)
  li r1, PSW_IE
  stw r1, P_PSW(r7)
  ; pid, CPU (round robin over online CPUs)
  LOAD r1, nextpid
  addi r1, r1, 1
  STORE r1, nextpid, r2
  stw r1, P_PID(r7)
  LOAD r1, rr_next
  LOAD r2, ncpu
  remu r3, r1, r2
  stw r3, P_CPU(r7)
  addi r1, r1, 1
  STORE r1, rr_next, r2
  LOAD r1, nlive
  addi r1, r1, 1
  STORE r1, nlive, r2
  li r1, S_RUNNABLE
  stw r1, P_STATE(r7)
  mov r1, r7
  LEAVE
.failf:
  mov r1, r11
  call kfree
.fail:
  ldw r1, P_PGDIR(r7)
  cmpi r1, 0
  beq .nopg
  call uvm_free
.nopg:
  stw r0, P_STATE(r7)
  li r1, 0
  LEAVE

; proc_exit(p r1, status r2)
proc_exit:
  ENTER
  mov r7, r1
  mov r8, r2
  ; leave p's address space before freeing it
  call thiscpu
  mov r9, r1
  ldw r1, CPU_PTBR(r9)
  ldw r2, P_PGDIR(r7)
  cmp r1, r2
  bne .notloaded
  LOAD r1, kpgdir
  stw r1, CPU_PTBR(r9)
  ARCH_SET_PTBR r1
.notloaded:
  ldw r1, P_PGDIR(r7)
  call uvm_free
  stw r0, P_PGDIR(r7)
  ; results
  ldw r10, P_PID(r7)
  cmpi r10, 32
  bgt .norec
  la r1, exit_status - 4
  slli r2, r10, 2
  add r1, r1, r2
  stw r8, 0(r1)
.norec:
  cmpi r10, 1
  bne .notinit
  STORE r8, init_status, r1
.notinit:
  LOAD r1, nlive
  addi r1, r1, -1
  STORE r1, nlive, r2
  ; orphan the children (a zombie child is released)
  la r1, procs
  la r2, procs_end
.kids:
  cmp r1, r2
  bgeu .kidsdone
  ldw r3, P_PARENT(r1)
  cmp r3, r7
  bne .nextkid
  stw r0, P_PARENT(r1)
  ldw r3, P_STATE(r1)
  cmpi r3, S_ZOMBIE
  bne .nextkid
  stw r0, P_STATE(r1)
.nextkid:
  addi r1, r1, PROC_SIZE
  j .kids
.kidsdone:
  ; hand the status to the parent
  ldw r1, P_PARENT(r7)
  cmpi r1, 0
  beq .release
  ldw r2, P_STATE(r1)
  cmpi r2, S_WAITING
  bne .zombie
  ldw r2, P_WAITPID(r1)
  cmp r2, r10
  bne .zombie
  stw r8, P_R1(r1)
  call wake
.release:
  stw r0, P_STATE(r7)
  j .out
.zombie:
  stw r8, P_STATUS(r7)
  li r2, S_ZOMBIE
  stw r2, P_STATE(r7)
.out:
  ldw r1, CPU_PROC(r9)
  cmp r1, r7
  bne .done
  stw r0, CPU_PROC(r9)
.done:
  LEAVE

; proc_fault(p r1, cause r2): kill p for an exception it caused in user mode.
proc_fault:
  ENTER
  mov r7, r1
  mov r8, r2
  call cons_lock
  la r1, .m1
  call kputs
  ldw r1, P_PID(r7)
  call kputdec
  la r1, .m2
  call kputs
  ldw r1, P_NAME(r7)
  call kputs
  la r1, .m3
  call kputs
  mov r1, r8
  call cause_name
  call kputs
  cmpi r8, C_PAGEFAULT
  beq .addr
  cmpi r8, C_MISALIGNED
  beq .addr
  cmpi r8, C_BUSERROR
  bne .noaddr
.addr:
  la r1, .m4
  call kputs
  ARCH_GETCR r1, CR_FADDR
  call kputhex
.noaddr:
  la r1, .m5
  call kputs
  ldw r1, P_PC(r7)
  call kputhex
  li r1, '\n'
  call kputc
  call cons_unlock
  mov r1, r7
  li r2, -100
  sub r2, r2, r8
  call proc_exit
  LEAVE
.m1: .asciz "labos: pid "
.m2: .asciz " ("
.m3: .asciz ") killed: "
.m4: .asciz " at "
.m5: .asciz ", pc "
.align 4

; proc_find(pid r1) -> p or 0 (not UNUSED)
proc_find:
  la r2, procs
  la r3, procs_end
.loop:
  cmp r2, r3
  bgeu .none
  ldw r4, P_STATE(r2)
  cmpi r4, S_UNUSED
  beq .next
  ldw r4, P_PID(r2)
  cmp r4, r1
  beq .hit
.next:
  addi r2, r2, PROC_SIZE
  j .loop
.hit:
  mov r1, r2
  ret
.none:
  li r1, 0
  ret
