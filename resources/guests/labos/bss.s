; bss.s — all mutable kernel state, zeroed by _start (also on reboot). Nothing else in the
; image is written at run time.
;
; Layout rules: the "results" area comes first and survives the power-off scrub (power.s):
; it holds only values that depend on the work done, never on timing (console hash, exit
; statuses by pid), so the final-state digest is the same under every correct monitor.
.align 4096
bss_start:
results:
con_hash:     .word 0       ; FNV-1a of every console byte
con_bytes:    .word 0
exit_status:  .space 4 * 32 ; exit status of pids 1..32
results_end:

ticks:        .word 0
nextpid:      .word 0
nlive:        .word 0       ; processes not yet exited
init_status:  .word 0
shutdown_req: .word 0
reboot_req:   .word 0
halting:      .word 0       ; a CPU is powering the machine off: every other CPU parks
memsize:      .word 0
dmap_end:     .word 0
pt_levels:    .word 0
pt_bits:      .word 0
pt_mask:      .word 0
pt_tsize:     .word 0
pt_rootshift: .word 0
pt_freelist:  .word 0
kpgdir:       .word 0
kmem_start:   .word 0
kmem_next:    .word 0
kmem_end:     .word 0
kmem_free:    .word 0
kmem_nfree:   .word 0
balloon_on:   .word 0       ; the balloon device answered (balloon.s)
balloon_size: .word 0       ; pages in the balloon
balloon_list: .word 0       ; first frame of the list of ballooned page numbers
balloon_wait: .word 0       ; ticks until the next poll
tick_us:      .word 0
nohz_on:      .word 0       ; tickless idle allowed (boot parameter nohz, default 1)
nohz_armed:   .word 0       ; CPU 0 idles with the timer's SKIP armed (nohz.s)
ncpu:         .word 0
rr_next:      .word 0
disk_cap:     .word 0
kmem_lock:    .word 0
proc_lock:    .word 0
cons_lockw:   .word 0
disk_lock:    .word 0
nparams:      .word 0
boot_ok:      .word 0
prog_name:    .space 16
params:       .space PARAM_SIZE * MAXPARAMS
shell_on:     .word 0       ; boot parameter shell=1 (shell.s)
sh_len:       .word 0       ; characters in the line being typed
sh_lastcr:    .word 0       ; the last byte was \r (a \n after it is the same Enter)
sh_argc:      .word 0
sh_toplast:   .word 0       ; `ticks` when `top` last ran (0: never)
sh_topleft:   .word 0       ; a refreshing top: snapshots still to print (0: top is not refreshing)
sh_topkey:    .word 0       ; 1: it refreshes until a key is pressed (sh_topleft stays 1)
sh_topticks:  .word 0       ; its period in ticks (TOP_REFRESH_MS of guest clock)
sh_topwait:   .word 0       ; ticks to its next snapshot (nohz.s wakes CPU 0 for it)
sh_argv:      .space 4 * SH_MAXARGS ; the words of the line
sh_line:      .space SH_LINE_MAX + 1 ; the line being typed, NUL-terminated
kbuf:         .space 64     ; scratch for names copied from user space (under proc_lock)
cpus:         .space CPU_SIZE * NCPU
procs:        .space PROC_SIZE * NPROC
procs_end:
.align 16
boot_stack:   .space KSTACK_SIZE
boot_stack_top:
bss_end:
kernel_end:
