; labos.s — the labos kernel and its user programs, as one image (the entry file of every guest
; in guests.json; the boot command line selects the program: "NAME key=value ...").
;
; Reading order: labos/param.inc (tunables, memory map), labos/arch.inc (every privileged
; operation), entry.s, main.s, trap.s, sched.s, proc.s, syscall.s, vm.s, kalloc.s, then the
; devices (console.s, shell.s, irq.s, nohz.s, disk.s, balloon.s), power.s, and user/ (ulib.s first). README.md describes
; the system-call ABI, the programs and their parameters.
; Build variants: PV defined (labos-pv.s, or -D PV=1): the paravirtualized build for the `pv`
; monitor (labos/arch_pv.inc: hypercalls, a shared interrupt-mask flag, console and disk rings).
; Every include is listed here, relative to resources/guests, so any include resolver works.

.include "labos/param.inc"
.include "labos/hw.inc"
.include "labos/layout.inc"
.include "labos/syscall.inc"
.include "labos/macros.inc"
.include "labos/arch.inc"
.ifdef PV
.include "labos/pv.inc"
.include "labos/arch_pv.inc"
.endif
.include "labos/user/ulib.inc"

.org 0x2000
.entry _start
.include "labos/entry.s"
.include "labos/main.s"
.include "labos/trap.s"
.include "labos/sched.s"
.include "labos/proc.s"
.include "labos/syscall.s"
.include "labos/vm.s"
.include "labos/kalloc.s"
.include "labos/lock.s"
.include "labos/smp.s"
.include "labos/console.s"
.include "labos/shell.s"
.include "labos/irq.s"
.include "labos/nohz.s"
.include "labos/disk.s"
.include "labos/balloon.s"
.include "labos/cmdline.s"
.include "labos/string.s"
.include "labos/power.s"
.include "labos/progtab.s"
.include "labos/sensitive.s"
.ifdef PV
.include "labos/pv.s"
.endif

; ---- the user image: copied into every process at USER_BASE ----
.include "labos/user/ulib.s"
.include "labos/user/hello.s"
.include "labos/user/cpu.s"
.include "labos/user/memwrite.s"
.include "labos/user/memgrow.s"
.include "labos/user/pagetable.s"
.include "labos/user/tlbmiss.s"
.include "labos/user/syscallw.s"
.include "labos/user/io.s"
.include "labos/user/idle.s"
.include "labos/user/mixed.s"
.include "labos/user/selftest.s"
.include "labos/user/udata.s"
.align 4096
uimg_end:

.include "labos/bss.s"
