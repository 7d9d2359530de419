; main.s — kmain: CPU 0's boot sequence, from bare hardware to the first process.
;
; Order: boot parameter block (memory size, page-table levels, command line) -> console ->
; command line -> frame allocator -> kernel page table -> paging on -> disk, power device, balloon driver ->
; secondary CPUs counted (stacks) -> banner -> timer -> the first process -> secondary CPUs
; started -> scheduler. A kernel program (sensitive) runs right here in kernel mode instead,
; before any other CPU starts, then powers off with its result.

kmain:
  ; ---- boot parameter block (fall back to the ports if it is missing) ----
  li r7, BOOT_BLOCK
  ldw r1, BB_MAGIC(r7)
  li r2, BOOT_MAGIC
  cmp r1, r2
  bne .noblock
  li r1, 1
  STORE r1, boot_ok, r2
  ldw r8, BB_MEMSIZE(r7)
  ldw r9, BB_LEVELS(r7)
  ldw r10, BB_IMAGE_END(r7)
  j .havebb
.noblock:
  ARCH_IN r8, BOOT_MEMSIZE
  ARCH_IN r9, BOOT_LEVELS
  li r10, 0
.havebb:
  ; memory usable by the kernel: min(memsize, KMAP_LIMIT); 0 means 4 GiB
  STORE r8, memsize, r1
  li r1, KMAP_LIMIT
  cmpi r8, 0
  beq .cap
  cmp r8, r1
  bleu .nocap
.cap:
  mov r8, r1
.nocap:
  li r1, -4096
  and r8, r8, r1
  STORE r8, dmap_end, r1
  cmpi r9, 4
  beq .lv
  li r9, 2
.lv:
  mov r1, r9
  call vm_setlevels
  li r1, 1
  STORE r1, ncpu, r2
  call console_init
  call cmdline_parse
  la r1, .k_tick
  li r2, TICK_US
  call getparam_k
  cmpi r1, 10
  bge .tickok
  li r1, TICK_US
.tickok:
  STORE r1, tick_us, r2
  la r1, .k_nohz
  li r2, 1
  call getparam_k
  STORE r1, nohz_on, r2
  ; ---- memory ----
  la r1, kernel_end
  cmp r10, r1
  bgeu .endok
  mov r10, r1
.endok:
  li r1, 0xfff
  add r10, r10, r1
  li r1, -4096
  and r1, r10, r1
  LOAD r2, dmap_end
  call kinit
  call kvm_init
  LOAD r1, kpgdir
  ARCH_SET_PTBR r1
  la r2, cpus
  stw r1, CPU_PTBR(r2)
  li r1, 1
  stw r1, CPU_ONLINE(r2)
  ARCH_PAGING r1
  call disk_init
  call power_init
  call balloon_init
  call smp_init
  ; ---- banner ----
  call cons_lock
  la r1, .m1
  call kputs
  LOAD r1, memsize
  srli r1, r1, 10
  cmpi r1, 0
  bne .memk
  li r1, 4194304
.memk:
  call kputdec
  la r1, .m2
  call kputs
  LOAD r1, pt_levels
  call kputdec
  la r1, .m3
  call kputs
  LOAD r1, ncpu
  call kputdec
  la r1, .m4
  call kputs
  LOAD r1, tick_us
  call kputdec
  la r1, .m5
  call kputs
  la r1, prog_name
  call kputs
  li r1, '\n'
  call kputc
  call cons_unlock
  ; ---- the program ----
  la r1, prog_name
  call prog_lookup
  cmpi r1, 0
  beq .unknown
  mov r7, r1
  call timer_init
  ldw r1, 8(r7)
  cmpi r1, 0
  beq .user
  ldw r1, 4(r7)             ; kernel program: run it here, its result is the exit code
  jalr r1
  j power_off
.user:
  call shell_boot           ; shell=1: the prompt (shell.s)
  call proc_lock_acquire
  ldw r1, 4(r7)
  li r2, 0
  li r3, 0
  ldw r4, 0(r7)
  call proc_create
  cmpi r1, 0
  beq .nomem
  call smp_start
  j scheduler
.nomem:
  la r1, .m7
  j panic
.unknown:
  call cons_lock
  la r1, .m6
  call kputs
  la r1, prog_name
  call kputs
  la r1, .m8
  call kputs
  la r7, progtab
.list:
  ldw r1, 0(r7)
  cmpi r1, 0
  beq .listed
  ldw r2, 8(r7)
  cmpi r2, 2
  beq .skip
  call kputs
  li r1, ' '
  call kputc
.skip:
  addi r7, r7, 12
  j .list
.listed:
  li r1, '\n'
  call kputc
  call cons_unlock
  li r1, 1
  j power_off
.k_tick: .asciz "tick_us"
.k_nohz: .asciz "nohz"
.m1: .asciz "labos: "
.m2: .asciz " KiB RAM, "
.m3: .asciz "-level page tables, "
.m4: .asciz " CPU(s), tick "
.m5: .asciz " us, running "
.m6: .asciz "labos: unknown program '"
.m7: .asciz "cannot create the first process"
.m8: .asciz "'; programs: "
.align 4
