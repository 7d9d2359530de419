; shell.s — labos's console shell: a line editor and the commands typed on the console.
;
; Interface: shell_key(c) (console_intr, for each input byte), shell_boot() (after the banner:
; the prompt when the shell is on at boot), shell_keepalive() -> 1 when labos stays up with no
; process left (boot parameter shell=1), shell_tick() (CPU 0's timer interrupt, every tick: a
; refreshing top's next snapshot), sh_topwait (read by nohz.s: ticks to that snapshot).
; How it works: the shell lives in the kernel's console interrupt (IRQ1, CPU 0), like a serial
; debug monitor: each byte typed is echoed; backspace (0x08 or 0x7F) erases the last character;
; Enter (\r, \n, or \r\n) ends the line, which runs at once, still in the interrupt, then the
; prompt "labos$ " is printed. Commands (help lists them): ps, top, free, uptime, run, kill, help.
; top refreshes as top does: a snapshot every TOP_REFRESH_MS of guest clock (CPU 0's timer ticks)
; until a key is pressed (the key only stops it, as q does in top) or, with -n N, N snapshots;
; the prompt comes back when it ends. While it refreshes nothing typed is taken as a command.
; Other control bytes and bytes above 0x7E are ignored; a line holds at most SH_LINE_MAX
; characters (more are ignored, not echoed) and SH_MAXARGS words (a longer line is refused).
; Rules: runs on CPU 0 with proc_lock held (irq_dispatch), interrupts off: it reads the process
; table and creates and kills processes under the same lock as every system call. Output is
; printed under cons_lock, taken only around printing (never across proc_create, which takes
; kmem_lock: cons_lock stays innermost). Nothing here runs until a byte arrives, so a guest
; nobody types to prints exactly what it did without the shell. shell=1 only adds the first
; prompt after the banner and keeps labos up once its last process has exited (an interactive
; machine: `idle shell=1`); without it, labos still answers what is typed.

shell_boot:
  ENTER
  la r1, .k_shell
  li r2, 0
  call getparam_k
  STORE r1, shell_on, r2
  cmpi r1, 0
  beq .out
  la r1, sh_prompt
  call kputs_locked
.out:
  LEAVE
.k_shell: .asciz "shell"
.align 4

shell_keepalive:
  LOAD r1, shell_on
  ret

; shell_key(c r1): one input byte.
shell_key:
  ENTER
  mov r7, r1
  LOAD r8, sh_lastcr             ; a \n right after \r is the same Enter
  STORE r0, sh_lastcr, r2
  LOAD r1, sh_topleft
  cmpi r1, 0
  bne .stoptop
  cmpi r7, 13
  beq .cr
  cmpi r7, 10
  beq .lf
  cmpi r7, 8
  beq .bs
  cmpi r7, 127
  beq .bs
  cmpi r7, ' '
  blt .out
  cmpi r7, 127
  bgt .out
  LOAD r1, sh_len
  cmpi r1, SH_LINE_MAX
  bge .out
  la r2, sh_line
  add r2, r2, r1
  stb r7, 0(r2)
  addi r1, r1, 1
  STORE r1, sh_len, r2
  call cons_lock
  mov r1, r7
  call kputc
  call cons_unlock
  j .out
.bs:
  LOAD r1, sh_len
  cmpi r1, 0
  beq .out
  addi r1, r1, -1
  STORE r1, sh_len, r2
  la r1, .erase
  call kputs_locked
  j .out
.cr:
  li r1, 1
  STORE r1, sh_lastcr, r2
  j .enter
.lf:
  cmpi r8, 0
  bne .out
.enter:
  LOAD r1, sh_len
  la r2, sh_line
  add r2, r2, r1
  stb r0, 0(r2)
  STORE r0, sh_len, r2
  la r1, .nl
  call kputs_locked
  call nohz_exit                 ; CPU 0 may have been idling tickless: bring `ticks` up to date
  la r1, sh_line
  call shell_exec
  LOAD r1, sh_topleft            ; a refreshing top prints the prompt when it ends
  cmpi r1, 0
  bne .out
  la r1, sh_prompt
  call kputs_locked
  j .out
.stoptop:
  STORE r0, sh_topleft, r2       ; the key is top's, not the line's (\r: its \n goes with it)
  cmpi r7, 13
  bne .stopped
  li r1, 1
  STORE r1, sh_lastcr, r2
.stopped:
  la r1, sh_prompt
  call kputs_locked
.out:
  LEAVE
.erase: .byte 8, 32, 8, 0
.nl: .asciz "\n"
.align 4

; sh_split(line r1): cut the line into words in place (sh_argc, sh_argv). Leaf.
sh_split:
  la r2, sh_argv
  li r3, 0
.skip:
  ldb r4, 0(r1)
  cmpi r4, 0
  beq .end
  cmpi r4, ' '
  bne .word
  addi r1, r1, 1
  j .skip
.word:
  cmpi r3, SH_MAXARGS
  bge .toomany
  slli r5, r3, 2
  add r5, r2, r5
  stw r1, 0(r5)
  addi r3, r3, 1
.inword:
  ldb r4, 0(r1)
  cmpi r4, 0
  beq .end
  cmpi r4, ' '
  beq .cut
  addi r1, r1, 1
  j .inword
.cut:
  stb r0, 0(r1)
  addi r1, r1, 1
  j .skip
.end:
  STORE r3, sh_argc, r4
  ret
.toomany:
  li r3, SH_MAXARGS + 1          ; more words than sh_argv holds: shell_exec refuses the line
  STORE r3, sh_argc, r4
  ret

; shell_exec(line r1): run one command line.
shell_exec:
  ENTER
  call sh_split
  LOAD r1, sh_argc
  cmpi r1, 0
  beq .out
  cmpi r1, SH_MAXARGS
  bgt .toomany
  la r7, sh_cmds
.find:
  ldw r1, 0(r7)
  cmpi r1, 0
  beq .unknown
  LOAD r2, sh_argv
  call strcmp
  cmpi r1, 0
  beq .found
  addi r7, r7, 8
  j .find
.found:
  ldw r1, 4(r7)
  jalr r1
  j .out
.toomany:
  la r1, .m3
  call kputs_locked
  j .out
.unknown:
  call cons_lock
  la r1, .m1
  call kputs
  LOAD r1, sh_argv
  call kputs
  la r1, .m2
  call kputs
  call cons_unlock
.out:
  LEAVE
.m1: .asciz "labos: unknown command '"
.m2: .asciz "' (type help for the list)\n"
.m3: .asciz "labos: too many words (at most 8 a line); nothing was run\n"
.align 4

sh_cmds:
  .word .c_help, sh_help
  .word .c_ps, sh_ps
  .word .c_top, sh_top
  .word .c_free, sh_free
  .word .c_uptime, sh_uptime
  .word .c_run, sh_run
  .word .c_kill, sh_kill
  .word 0, 0
.c_help:   .asciz "help"
.c_ps:     .asciz "ps"
.c_top:    .asciz "top"
.c_free:   .asciz "free"
.c_uptime: .asciz "uptime"
.c_run:    .asciz "run"
.c_kill:   .asciz "kill"
.align 4

; ---- help ----
sh_help:
  ENTER
  call cons_lock
  la r1, .t1
  call kputs
  la r7, progtab
.list:
  ldw r1, 0(r7)
  cmpi r1, 0
  beq .listed
  ldw r2, 8(r7)
  cmpi r2, 0
  bne .skip
  li r1, ' '
  call kputc
  ldw r1, 0(r7)
  call kputs
.skip:
  addi r7, r7, 12
  j .list
.listed:
  la r1, .t2
  call kputs
  call cons_unlock
  LEAVE
.t1:
  .ascii "labos shell commands:\n"
  .ascii "  help                         this list\n"
  .ascii "  ps                           processes: pid, state, vCPU, CPU ticks and time, %CPU of its lifetime\n"
  .ascii "  top [-n N]                   CPU share of each process, a snapshot a second until a key is pressed\n"
  .ascii "                               (-n N: N snapshots, then the prompt; -n 1 one at once)\n"
  .ascii "  free                         memory in pages: RAM, the kernel's pool, free, used, in the balloon\n"
  .ascii "  uptime                       the guest's clock (timer ticks) next to the host's (RTC)\n"
  .ascii "  kill PID                     end a process\n"
  .ascii "  run PROGRAM [key=value ...]  start a program; programs:"
  .byte 0
.t2:
  .ascii "\n"
  .ascii "                               (the pairs go into the kernel's parameters, as on the boot command line)\n"
  .byte 0
.align 4

; ---- ps ----
sh_ps:
  ENTER
  LOAD r12, ticks
  call cons_lock
  la r1, .hdr
  call kputs
  la r7, procs
.loop:
  la r1, procs_end
  cmp r7, r1
  bgeu .done
  ldw r8, P_STATE(r7)
  cmpi r8, S_UNUSED
  beq .next
  ldw r1, P_PID(r7)
  li r2, 5
  call sh_putnum
  li r1, ' '
  call kputc
  la r1, sh_states
  slli r2, r8, 2
  add r1, r1, r2
  ldw r1, 0(r1)
  call kputs
  ldw r1, P_CPU(r7)
  li r2, 4
  call sh_putnum
  ldw r9, P_TICKS(r7)
  mov r1, r9
  li r2, 10
  call sh_putnum
  li r1, ' '
  call kputc
  mov r1, r9
  call sh_ticks_ms
  li r2, 9
  call sh_putsecs
  ; %CPU: ticks charged over ticks lived (as ps computes it)
  ldw r1, P_START(r7)
  sub r1, r12, r1
  cmpi r1, 0
  bgt .lived
  li r1, 1
.lived:
  li r2, 100
  mul r3, r9, r2
  divu r1, r3, r1
  li r2, 5
  call sh_putnum
  la r1, .sp
  call kputs
  ldw r1, P_NAME(r7)
  call kputs
  ldw r1, P_KILLED(r7)
  cmpi r1, 0
  beq .eol
  la r1, .killed
  call kputs
.eol:
  li r1, '\n'
  call kputc
.next:
  addi r7, r7, PROC_SIZE
  j .loop
.done:
  call cons_unlock
  LEAVE
.hdr:    .asciz "  PID STATE    CPU     TICKS   TIME(s) %CPU  NAME\n"
.sp:     .asciz "  "
.killed: .asciz " (killed)"
.align 4

sh_states:
  .word .s0, .s1, .s2, .s3, .s4, .s5, .s6
.s0: .asciz "unused  "
.s1: .asciz "new     "
.s2: .asciz "ready   "
.s3: .asciz "running "
.s4: .asciz "sleeping"
.s5: .asciz "waiting "
.s6: .asciz "zombie  "
.align 4

; ---- top [-n N]: a snapshot now, then one every TOP_REFRESH_MS until a key (or N in all) ----
sh_top:
  ENTER
  LOAD r1, sh_argc
  li r8, 0                       ; snapshots in all (0: until a key)
  cmpi r1, 1
  beq .go
  cmpi r1, 3
  bne .usage
  la r7, sh_argv
  ldw r1, 4(r7)
  la r2, .dash_n
  call strcmp
  cmpi r1, 0
  bne .usage
  ldw r1, 8(r7)
  ldb r2, 0(r1)
  cmpi r2, 0
  beq .usage
  call parse_num
  ldb r2, 0(r2)                  ; the number must be the whole word
  cmpi r2, 0
  bne .usage
  cmpi r1, 0
  ble .usage
  mov r8, r1
.go:
  call sh_top_snap
  cmpi r8, 1
  beq .out
  li r1, 1                       ; refreshing: a snapshot every TOP_REFRESH_MS of guest clock
  STORE r1, sh_topkey, r2
  cmpi r8, 0
  beq .until
  STORE r0, sh_topkey, r2
  addi r8, r8, -1
  j .left
.until:
  li r8, 1
.left:
  STORE r8, sh_topleft, r2
  li r1, TOP_REFRESH_MS * 1000
  LOAD r2, tick_us
  divu r1, r1, r2
  cmpi r1, 0
  bgt .period
  li r1, 1
.period:
  STORE r1, sh_topticks, r2
  STORE r1, sh_topwait, r2
.out:
  LEAVE
.usage:
  la r1, .m_usage
  call kputs_locked
  LEAVE
.dash_n:  .asciz "-n"
.m_usage: .asciz "top: usage: top [-n N] (N snapshots a second apart, N >= 1; without -n until a key is pressed)\n"
.align 4

; shell_tick(): CPU 0's timer interrupt, each tick (proc_lock held, `ticks` current): a refreshing
; top's next snapshot when its period is up; after the last one of -n N, the prompt.
shell_tick:
  ENTER
  LOAD r1, sh_topleft
  cmpi r1, 0
  beq .out
  LOAD r1, sh_topwait
  addi r1, r1, -1
  STORE r1, sh_topwait, r2
  cmpi r1, 0
  bgt .out
  LOAD r1, sh_topticks
  STORE r1, sh_topwait, r2
  call sh_top_snap
  LOAD r1, sh_topkey
  cmpi r1, 0
  bne .out
  LOAD r1, sh_topleft
  addi r1, r1, -1
  STORE r1, sh_topleft, r2
  cmpi r1, 0
  bne .out
  la r1, sh_prompt
  call kputs_locked
.out:
  LEAVE

; sh_top_snap(): one snapshot — each process's share of the ticks since the previous snapshot (or
; since it started), and the ticks behind it.
sh_top_snap:
  ENTER
  LOAD r12, ticks
  LOAD r11, sh_toplast
  call cons_lock
  la r1, .m1
  call kputs
  mov r1, r12
  sub r1, r1, r11
  cmpi r11, 0
  bne .win
  mov r1, r12
.win:
  call sh_ticks_ms
  li r2, 1
  call sh_putsecs
  la r1, .m2
  call kputs
  la r7, procs
.loop:
  la r1, procs_end
  cmp r7, r1
  bgeu .done
  ldw r8, P_STATE(r7)
  cmpi r8, S_UNUSED
  beq .next
  ldw r1, P_PID(r7)
  li r2, 5
  call sh_putnum
  ldw r9, P_TICKS(r7)
  ldw r1, P_TMARK(r7)
  sub r9, r9, r1                 ; ticks charged since the mark
  ldw r1, P_START(r7)            ; the window: since the later of the last top and its start
  cmp r1, r11
  bge .since
  mov r1, r11
.since:
  sub r1, r12, r1
  cmpi r1, 0
  bgt .lived
  li r1, 1
.lived:
  li r2, 100
  mul r3, r9, r2
  divu r1, r3, r1
  li r2, 5
  call sh_putnum
  mov r1, r9
  li r2, 8
  call sh_putnum
  la r1, .sp
  call kputs
  ldw r1, P_NAME(r7)
  call kputs
  li r1, '\n'
  call kputc
  ldw r1, P_TICKS(r7)
  stw r1, P_TMARK(r7)
.next:
  addi r7, r7, PROC_SIZE
  j .loop
.done:
  call cons_unlock
  STORE r12, sh_toplast, r1
  LEAVE
.m1: .asciz "top: CPU over the last "
.m2: .asciz " s\n  PID %CPU   TICKS  NAME\n"
.sp: .asciz "  "
.align 4

; ---- free ----
sh_free:
  ENTER
  LOAD r7, kmem_end
  LOAD r1, kmem_start
  sub r7, r7, r1
  srli r7, r7, 12                ; pool pages
  LOAD r8, kmem_nfree
  LOAD r9, balloon_size
  call cons_lock
  la r1, .m1
  call kputs
  LOAD r1, memsize
  srli r1, r1, 12
  cmpi r1, 0
  bne .ram
  lui r1, 0x10                   ; 0 = 4 GiB: 1 Mi pages
.ram:
  call kputdec
  la r1, .m2
  call kputs
  mov r1, r7
  call kputdec
  la r1, .m3
  call kputs
  mov r1, r8
  call kputdec
  la r1, .m4
  call kputs
  sub r1, r7, r8
  sub r1, r1, r9
  call kputdec
  la r1, .m5
  call kputs
  mov r1, r9
  call kputdec
  la r1, .m6
  call kputs
  call cons_unlock
  LEAVE
.m1: .asciz "memory (4 KiB pages): RAM "
.m2: .asciz ", kernel pool "
.m3: .asciz ", free "
.m4: .asciz ", used "
.m5: .asciz ", balloon "
.m6: .asciz "\n"
.align 4

; ---- uptime ----
sh_uptime:
  ENTER
  LOAD r7, ticks
  mov r1, r7
  call sh_ticks_ms
  mov r8, r1                     ; guest clock, ms
  call sh_host_ms
  mov r9, r1                     ; host: virtual time since power-on, ms
  ARCH_IN r10, RTC_SECONDS
  call cons_lock
  la r1, .m1
  call kputs
  mov r1, r8
  li r2, 1
  call sh_putsecs
  la r1, .m2
  call kputs
  mov r1, r7
  call kputdec
  la r1, .m3
  call kputs
  LOAD r1, tick_us
  call kputdec
  la r1, .m4
  call kputs
  mov r1, r9
  li r2, 1
  call sh_putsecs
  la r1, .m5
  call kputs
  sub r11, r9, r8
  la r1, .behind
  cmpi r11, 0
  bge .dir
  sub r11, r0, r11
  la r1, .ahead
.dir:
  call kputs
  mov r1, r11
  call kputdec
  la r1, .m6
  call kputs
  li r11, 86400                  ; the host's wall clock, UTC time of day
  remu r10, r10, r11
  li r11, 3600
  divu r1, r10, r11
  remu r10, r10, r11
  li r2, 2
  call sh_putz
  li r1, ':'
  call kputc
  li r11, 60
  divu r1, r10, r11
  li r2, 2
  call sh_putz
  li r1, ':'
  call kputc
  remu r1, r10, r11
  li r2, 2
  call sh_putz
  la r1, .m7
  call kputs
  call cons_unlock
  LEAVE
.m1: .asciz "uptime: guest clock "
.m2: .asciz " s ("
.m3: .asciz " ticks of "
.m4: .asciz " us), host "
.m5: .asciz " s since power-on; guest "
.behind: .asciz "behind by "
.ahead:  .asciz "ahead by "
.m6: .asciz " ms; host time "
.m7: .asciz " UTC\n"
.align 4

; ---- run PROGRAM [key=value ...] ----
sh_run:
  ENTER
  LOAD r1, sh_argc
  cmpi r1, 2
  blt .usage
  la r1, sh_argv
  ldw r1, 4(r1)
  call prog_lookup
  cmpi r1, 0
  beq .noprog
  mov r7, r1
  ldw r1, 8(r7)
  cmpi r1, 0
  bne .notuser
  ; the key=value pairs
  li r8, 2
.pairs:
  LOAD r1, sh_argc
  cmp r8, r1
  bge .start
  la r1, sh_argv
  slli r2, r8, 2
  add r1, r1, r2
  ldw r1, 0(r1)
  call sh_setparam
  cmpi r1, 0
  bne .badpair
  addi r8, r8, 1
  j .pairs
.start:
  ldw r1, 4(r7)
  li r2, 0
  li r3, 0
  ldw r4, 0(r7)
  call proc_create
  cmpi r1, 0
  beq .nomem
  mov r8, r1
  call cons_lock
  la r1, .m_started
  call kputs
  ldw r1, P_PID(r8)
  call kputdec
  la r1, .m_paren
  call kputs
  ldw r1, P_NAME(r8)
  call kputs
  la r1, .m_end
  call kputs
  call cons_unlock
  LEAVE
.usage:
  la r1, .m_usage
  call kputs_locked
  LEAVE
.noprog:
.notuser:
  call cons_lock
  la r1, .m_noprog
  call kputs
  la r1, sh_argv
  ldw r1, 4(r1)
  call kputs
  la r1, .m_list
  call kputs
  call cons_unlock
  LEAVE
.badpair:
  call cons_lock
  la r1, .m_pair
  call kputs
  la r1, sh_argv
  slli r2, r8, 2
  add r1, r1, r2
  ldw r1, 0(r1)
  call kputs
  la r1, .m_pair2
  call kputs
  call cons_unlock
  LEAVE
.nomem:
  la r1, .m_nomem
  call kputs_locked
  LEAVE
.m_usage:   .asciz "run: usage: run PROGRAM [key=value ...]\n"
.m_noprog:  .asciz "run: no program '"
.m_list:    .asciz "' (help lists the programs)\n"
.m_started: .asciz "run: started pid "
.m_paren:   .asciz " ("
.m_end:     .asciz ")\n"
.m_pair:    .asciz "run: cannot set '"
.m_pair2:   .asciz "' (key=value, keys up to 15 characters, at most 16 parameters)\n"
.m_nomem:   .asciz "run: no free process slot or memory\n"
.align 4

; sh_setparam(word r1) -> 0 or -1: "key=value" (or a bare key: 1) into the kernel's parameters,
; replacing the key's value if it is there already. The word is cut in place.
sh_setparam:
  ENTER
  mov r7, r1
  mov r8, r1                     ; find '=' (or the end)
.scan:
  ldb r1, 0(r8)
  cmpi r1, 0
  beq .bare
  cmpi r1, '='
  beq .eq
  addi r8, r8, 1
  j .scan
.bare:
  li r9, 1
  j .key
.eq:
  stb r0, 0(r8)
  addi r1, r8, 1
  ldb r2, 0(r1)
  cmpi r2, 0
  beq .bad
  call parse_num
  mov r9, r1
  ldb r2, 0(r2)                  ; the number must be the whole value
  cmpi r2, 0
  bne .bad
.key:
  sub r1, r8, r7                 ; key length: 1..15
  cmpi r1, 0
  ble .bad
  cmpi r1, 15
  bgt .bad
  la r10, params
  LOAD r11, nparams
.find:
  cmpi r11, 0
  beq .append
  mov r1, r10
  mov r2, r7
  call strcmp
  cmpi r1, 0
  beq .set
  addi r10, r10, PARAM_SIZE
  addi r11, r11, -1
  j .find
.append:
  LOAD r1, nparams
  cmpi r1, MAXPARAMS
  bge .bad
  addi r1, r1, 1
  STORE r1, nparams, r2
  mov r1, r10
  mov r2, r7
  li r3, 16
  call strlcpy
.set:
  stw r9, PARAM_VALUE(r10)
  li r1, 0
  LEAVE
.bad:
  li r1, -1
  LEAVE

; ---- kill PID ----
sh_kill:
  ENTER
  LOAD r1, sh_argc
  cmpi r1, 2
  bne .usage
  la r1, sh_argv
  ldw r1, 4(r1)
  ldb r2, 0(r1)
  cmpi r2, 0
  beq .usage
  call parse_num
  mov r7, r1
  ldb r2, 0(r2)
  cmpi r2, 0
  bne .usage
  mov r1, r7
  call proc_find
  cmpi r1, 0
  beq .none
  mov r8, r1
  ldw r2, P_STATE(r8)
  cmpi r2, S_ZOMBIE
  beq .none
  li r3, 1                       ; as the kill system call: it dies when next on its CPU
  stw r3, P_KILLED(r8)
  cmpi r2, S_SLEEPING
  beq .wake
  cmpi r2, S_WAITING
  bne .said
.wake:
  mov r1, r8
  call wake
.said:
  call cons_lock
  la r1, .m_killed
  call kputs
  mov r1, r7
  call kputdec
  la r1, .m_paren
  call kputs
  ldw r1, P_NAME(r8)
  call kputs
  la r1, .m_end
  call kputs
  call cons_unlock
  LEAVE
.usage:
  la r1, .m_usage
  call kputs_locked
  LEAVE
.none:
  call cons_lock
  la r1, .m_none
  call kputs
  mov r1, r7
  call kputdec
  li r1, '\n'
  call kputc
  call cons_unlock
  LEAVE
.m_usage:  .asciz "kill: usage: kill PID (ps lists them)\n"
.m_none:   .asciz "kill: no running process "
.m_killed: .asciz "kill: pid "
.m_paren:  .asciz " ("
.m_end:    .asciz ") killed\n"
.align 4

; ---- number formatting (callers hold cons_lock) ----

; sh_putnum(n r1 >= 0, width r2): decimal, right-aligned in width columns
sh_putnum:
  ENTER
  mov r7, r1
  mov r8, r2
  li r9, 1
  mov r10, r7
  li r11, 10
.count:
  divu r10, r10, r11
  cmpi r10, 0
  beq .pad
  addi r9, r9, 1
  j .count
.pad:
  cmp r9, r8
  bge .num
  li r1, ' '
  call kputc
  addi r9, r9, 1
  j .pad
.num:
  mov r1, r7
  call kputdec
  LEAVE

; sh_putz(n r1, digits r2): n mod 10^digits with leading zeros
sh_putz:
  ENTER
  mov r7, r1
  li r9, 1
  li r10, 10
  mov r11, r2
.pow:
  addi r11, r11, -1
  cmpi r11, 0
  ble .dig
  mul r9, r9, r10
  j .pow
.dig:
  cmpi r9, 0
  beq .done
  divu r1, r7, r9
  remu r1, r1, r10
  addi r1, r1, '0'
  call kputc
  divu r9, r9, r10
  j .dig
.done:
  LEAVE

; sh_putsecs(ms r1, width r2): seconds with three decimals, the whole part right-aligned so the
; number takes width columns
sh_putsecs:
  ENTER
  mov r7, r1
  li r8, 1000
  divu r1, r7, r8
  addi r2, r2, -4
  call sh_putnum
  li r1, '.'
  call kputc
  remu r1, r7, r8
  li r2, 3
  call sh_putz
  LEAVE

; sh_ticks_ms(ticks r1) -> ms of guest clock (ticks × tick_us / 1000, without overflowing). Leaf.
sh_ticks_ms:
  LOAD r2, tick_us
  li r3, 1000
  divu r4, r1, r3
  remu r5, r1, r3
  mul r4, r4, r2
  mul r5, r5, r2
  divu r5, r5, r3
  add r1, r4, r5
  ret

; sh_host_ms() -> ms since power-on from the RTC's 64-bit microsecond uptime (reading the low
; word latches the high one); long division by 1000 in 16-bit steps. Leaf.
sh_host_ms:
  ARCH_IN r1, RTC_UPTIME_LO
  ARCH_IN r2, RTC_UPTIME_HI
  li r3, 1000
  remu r4, r2, r3
  slli r4, r4, 16
  srli r5, r1, 16
  or r4, r4, r5
  divu r5, r4, r3
  remu r4, r4, r3
  slli r4, r4, 16
  andi r6, r1, 0xffff
  or r4, r4, r6
  divu r4, r4, r3
  slli r5, r5, 16
  add r1, r5, r4
  ret

sh_prompt: .asciz "labos$ "
.align 4
