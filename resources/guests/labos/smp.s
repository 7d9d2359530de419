; smp.s — secondary CPUs (docs/isa.md §9.7): counting, starting, and their entry.
;
; Interface: smp_init() (CPU 0, paging on: ncpu = min(CPU_COUNT, NCPU, boot parameter ncpu=),
; a kernel stack for each secondary), smp_start() (CPU 0, after the first process exists: start
; CPUs 1..ncpu-1), ap_entry (where a started CPU begins: r1 = its cpus[] entry).
; Rules: a secondary starts like a reset CPU (kernel mode, paging off, IE = 0); it loads the
; kernel page table, programs its own timer and enters the scheduler for its own run queue.
; Processes are placed on CPUs round-robin at creation (proc.s) and never migrate, so a user
; address space is only ever loaded on one CPU and needs no TLB shootdown; the kernel's shared
; mappings never change after boot.

smp_init:
  ENTER
  ARCH_IN r7, CPU_COUNT
  cmpi r7, 1
  bge .some
  li r7, 1                  ; no SMP device (floating bus reads -1)
.some:
  cmpi r7, NCPU
  ble .fit
  li r7, NCPU
.fit:
  la r1, .k_ncpu
  mov r2, r7
  call getparam_k
  cmpi r1, 1
  blt .set
  cmp r1, r7
  bge .set
  mov r7, r1
.set:
  STORE r7, ncpu, r1
  li r8, 1
.stacks:
  cmp r8, r7
  bge .done
  li r1, CPU_SIZE
  mul r9, r8, r1
  la r1, cpus
  add r9, r9, r1
  stw r8, CPU_ID(r9)
  call kalloc
  cmpi r1, 0
  beq .oom
  li r2, KSTACK_SIZE
  add r1, r1, r2
  stw r1, CPU_KSTACK(r9)
  addi r8, r8, 1
  j .stacks
.done:
  LEAVE
.oom:
  la r1, .m_oom
  j panic
.k_ncpu: .asciz "ncpu"
.m_oom:  .asciz "out of memory for kernel stacks"
.align 4

smp_start:
  ENTER
  LOAD r7, ncpu
  li r8, 1
.loop:
  cmp r8, r7
  bge .done
  la r1, ap_entry
  ARCH_OUT r1, START_ENTRY
  li r1, CPU_SIZE
  mul r1, r8, r1
  la r2, cpus
  add r1, r1, r2
  ARCH_OUT r1, START_ARG
  ARCH_OUT r8, START_CPU
  addi r8, r8, 1
  j .loop
.done:
  LEAVE

ap_entry:
  ARCH_SETCR CR_SCRATCH1, r1
  ldw sp, CPU_KSTACK(r1)
  la r2, vectors
  ARCH_SETCR CR_VBAR, r2
  LOAD r2, kpgdir
  stw r2, CPU_PTBR(r1)
  ARCH_SET_PTBR r2
  li r2, 1
  ARCH_PAGING r2
  stw r2, CPU_ONLINE(r1)
  call timer_init
  call proc_lock_acquire
  j scheduler
