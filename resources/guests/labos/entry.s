; entry.s — where the machine starts: reset state is kernel mode, paging off, IE = 0, pc = the
; image entry. Zeroes BSS, points VBAR at the vector table and scratch1 at CPU 0's structure,
; then runs kmain on the boot stack. Also the target of a warm reboot (power.s).

_start:
  la r1, bss_start
  la r2, bss_end
.zero:
  cmp r1, r2
  bgeu .zeroed
  stw r0, 0(r1)
  stw r0, 4(r1)
  stw r0, 8(r1)
  stw r0, 12(r1)
  addi r1, r1, 16
  j .zero
.zeroed:
  la sp, boot_stack_top
  ARCH_BOOT
  la r1, vectors
  ARCH_SETCR CR_VBAR, r1
  la r1, cpus
  ARCH_SETCR CR_SCRATCH1, r1
  la r2, boot_stack_top
  stw r2, CPU_KSTACK(r1)
  call kmain
  li r1, PANIC_CODE
  j power_off
