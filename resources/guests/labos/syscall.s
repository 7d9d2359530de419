; syscall.s — system-call dispatch and the calls themselves (ABI in syscall.inc).
;
; Interface: syscall(p): reads the number and arguments from p's saved registers, stores the
; result in p's saved r1. A call that blocks (sleep, wait) changes p's state; the scheduler then
; runs something else, and whoever wakes p may overwrite the result (wait's exit status).
; Rules: arguments are user values: every pointer goes through uva2pa/copy_user; a bad number
; or bad argument returns -1, it never kills the caller or the kernel.

syscall:
  ENTER
  mov r7, r1
  ldw r2, P_R1(r7)
  cmpi r2, 1
  blt .bad
  cmpi r2, NSYSCALL
  bge .bad
  slli r2, r2, 2
  la r3, systab
  add r3, r3, r2
  ldw r3, 0(r3)
  mov r1, r7
  jalr r3
  stw r1, P_R1(r7)
  LEAVE
.bad:
  li r1, -1
  stw r1, P_R1(r7)
  LEAVE

systab:
  .word 0, sys_exit, sys_write, sys_getpid, sys_yield, sys_sleep, sys_uptime, sys_ticks
  .word sys_sbrk, sys_map, sys_unmap, sys_spawn, sys_wait, sys_kill, sys_getparam
  .word sys_dread, sys_dwrite, sys_dsize, sys_procinfo, sys_freemem, sys_shutdown
  .word sys_reboot, sys_cpuid

; Each handler: r1 = p (caller-saved as usual), result in r1.

sys_exit:
  ENTER
  ldw r2, P_R2(r1)
  call proc_exit
  li r1, 0
  LEAVE

sys_write:
  ENTER
  ldw r2, P_R2(r1)
  ldw r3, P_R3(r1)
  ldw r1, P_PGDIR(r1)
  call console_write_user
  LEAVE

sys_getpid:
  ldw r1, P_PID(r1)
  ret

sys_yield:
  ARCH_GETCR r2, CR_SCRATCH1
  li r1, 1
  stw r1, CPU_RESCHED(r2)
  li r1, 0
  ret

; sleep(us): at least us microseconds (0: return at once). The current tick is partly over, so
; the process sleeps ceil(us / tick) + 1 ticks.
sys_sleep:
  ldw r2, P_R2(r1)
  cmpi r2, 0
  ble .now
  LOAD r3, tick_us
  add r2, r2, r3
  addi r2, r2, -1
  divu r2, r2, r3
  addi r2, r2, 1
  LOAD r3, ticks
  add r2, r2, r3
  stw r2, P_WAKE(r1)
  li r2, S_SLEEPING
  stw r2, P_STATE(r1)
.now:
  li r1, 0
  ret

sys_uptime:
  ARCH_IN r1, RTC_UPTIME_LO
  ret

sys_ticks:
  LOAD r1, ticks
  ret

; sbrk(delta) -> old break; whole pages are mapped/unmapped between the page-rounded breaks
sys_sbrk:
  ENTER
  mov r7, r1
  ldw r8, P_BRK(r7)         ; old
  ldw r2, P_R2(r7)
  add r9, r8, r2            ; new
  ldw r1, P_HEAP0(r7)
  cmp r9, r1
  bltu .fail
  li r1, UHEAP_LIMIT
  cmp r9, r1
  bgtu .fail
  li r3, 0xfff
  add r10, r8, r3
  li r3, -4096
  and r10, r10, r3          ; old, page-rounded
  li r3, 0xfff
  add r11, r9, r3
  li r3, -4096
  and r11, r11, r3          ; new, page-rounded
  cmp r11, r10
  bltu .shrink
.grow:
  cmp r10, r11
  bgeu .ok
  call kalloc
  cmpi r1, 0
  beq .undo
  mov r12, r1
  ldw r1, P_PGDIR(r7)
  mov r2, r10
  mov r3, r12
  li r4, PTE_W | PTE_U
  call map_page
  cmpi r1, 0
  bne .undof
  li r1, PAGE_SIZE
  add r10, r10, r1
  j .grow
.undof:
  mov r1, r12
  call kfree
.undo:
  ; unmap what this call mapped: from the old rounded break up to r10
  li r3, 0xfff
  add r11, r8, r3
  li r3, -4096
  and r11, r11, r3
.undoloop:
  cmp r11, r10
  bgeu .fail
  ldw r1, P_PGDIR(r7)
  mov r2, r11
  call unmap_page
  cmpi r1, 0
  beq .undonext
  call kfree
.undonext:
  li r1, PAGE_SIZE
  add r11, r11, r1
  j .undoloop
.shrink:
  cmp r11, r10
  bgeu .ok
  ldw r1, P_PGDIR(r7)
  mov r2, r11
  call unmap_page
  cmpi r1, 0
  beq .shnext
  call kfree
.shnext:
  li r1, PAGE_SIZE
  add r11, r11, r1
  j .shrink
.ok:
  stw r9, P_BRK(r7)
  mov r1, r8
  LEAVE
.fail:
  li r1, -1
  LEAVE

; check_upage(va) -> flags: 0 if va is a page-aligned user address
check_upage:
  andi r2, r1, 0xfff
  cmpi r2, 0
  bne .bad
  li r2, USER_BASE
  cmp r1, r2
  bltu .bad
  li r2, USER_TOP
  cmp r1, r2
  bgeu .bad
  li r1, 0
  ret
.bad:
  li r1, -1
  ret

; map(va, writable) -> 0/-1
sys_map:
  ENTER
  mov r7, r1
  ldw r8, P_R2(r7)
  mov r1, r8
  call check_upage
  cmpi r1, 0
  bne .fail
  call kalloc
  cmpi r1, 0
  beq .fail
  mov r9, r1
  ldw r4, P_R3(r7)
  li r10, PTE_U
  cmpi r4, 0
  beq .ro
  li r10, PTE_U | PTE_W
.ro:
  ldw r1, P_PGDIR(r7)
  mov r2, r8
  mov r3, r9
  mov r4, r10
  call map_page
  cmpi r1, 0
  beq .out
  mov r1, r9
  call kfree
.fail:
  li r1, -1
.out:
  LEAVE

; unmap(va) -> 0/-1
sys_unmap:
  ENTER
  mov r7, r1
  ldw r8, P_R2(r7)
  mov r1, r8
  call check_upage
  cmpi r1, 0
  bne .fail
  ldw r1, P_PGDIR(r7)
  mov r2, r8
  call unmap_page
  cmpi r1, 0
  beq .fail
  call kfree
  li r1, 0
  LEAVE
.fail:
  li r1, -1
  LEAVE

; spawn(name, arg) -> pid / -1: a user program (not a kernel one) as a child of the caller
sys_spawn:
  ENTER
  mov r7, r1
  ldw r1, P_PGDIR(r7)
  la r2, kbuf
  ldw r3, P_R2(r7)
  li r4, 16
  call copyinstr
  cmpi r1, 0
  bne .fail
  la r1, kbuf
  call prog_lookup
  cmpi r1, 0
  beq .fail
  ldw r2, 8(r1)             ; flags
  cmpi r2, 0
  bne .fail
  ldw r4, 0(r1)             ; name (kernel string)
  ldw r1, 4(r1)             ; entry
  ldw r2, P_R3(r7)
  mov r3, r7
  call proc_create
  cmpi r1, 0
  beq .fail
  ldw r1, P_PID(r1)
  LEAVE
.fail:
  li r1, -1
  LEAVE

; wait(pid) -> status / -1
sys_wait:
  ENTER
  mov r7, r1
  ldw r8, P_R2(r7)
  mov r1, r8
  call proc_find
  cmpi r1, 0
  beq .fail
  ldw r2, P_PARENT(r1)
  cmp r2, r7
  bne .fail
  ldw r2, P_STATE(r1)
  cmpi r2, S_ZOMBIE
  bne .block
  ldw r2, P_STATUS(r1)
  stw r0, P_STATE(r1)
  mov r1, r2
  LEAVE
.block:
  stw r8, P_WAITPID(r7)
  li r1, S_WAITING
  stw r1, P_STATE(r7)
  li r1, -1
  LEAVE
.fail:
  li r1, -1
  LEAVE

; kill(pid) -> 0/-1
sys_kill:
  ENTER
  ldw r1, P_R2(r1)
  call proc_find
  cmpi r1, 0
  beq .fail
  ldw r2, P_STATE(r1)
  cmpi r2, S_ZOMBIE
  beq .fail
  li r3, 1
  stw r3, P_KILLED(r1)
  cmpi r2, S_SLEEPING
  beq .wake
  cmpi r2, S_WAITING
  bne .ok
.wake:
  call wake
.ok:
  li r1, 0
  LEAVE
.fail:
  li r1, -1
  LEAVE

sys_getparam:
  ENTER
  mov r7, r1
  ldw r1, P_PGDIR(r7)
  la r2, kbuf
  ldw r3, P_R2(r7)
  li r4, 16
  call copyinstr
  cmpi r1, 0
  bne .dflt
  la r1, kbuf
  ldw r2, P_R3(r7)
  call getparam_k
  LEAVE
.dflt:
  ldw r1, P_R3(r7)
  LEAVE

sys_dread:
  li r2, 0
  j sys_disk
sys_dwrite:
  li r2, 1
  j sys_disk

; sys_disk(p, write): sector = R2, buf = R3, count = R4 (1..DISK_MAX), through a bounce frame
sys_disk:
  ENTER
  mov r7, r1
  mov r8, r2
  ldw r9, P_R4(r7)          ; count
  cmpi r9, 1
  blt .fail
  cmpi r9, DISK_MAX
  bgt .fail
  slli r9, r9, 9            ; bytes
  call kalloc
  cmpi r1, 0
  beq .fail
  mov r10, r1
  cmpi r8, 0
  beq .read
  ; write: user -> bounce -> disk
  ldw r1, P_PGDIR(r7)
  mov r2, r10
  ldw r3, P_R3(r7)
  mov r4, r9
  li r5, 0
  call copy_user
  cmpi r1, 0
  bne .freefail
  li r1, 2
  ldw r2, P_R2(r7)
  mov r3, r10
  ldw r4, P_R4(r7)
  call disk_rw
  mov r11, r1
  j .free
.read:
  li r1, 1
  ldw r2, P_R2(r7)
  mov r3, r10
  ldw r4, P_R4(r7)
  call disk_rw
  mov r11, r1
  cmpi r11, 0
  bne .free
  ldw r1, P_PGDIR(r7)
  mov r2, r10
  ldw r3, P_R3(r7)
  mov r4, r9
  li r5, 1
  call copy_user
  mov r11, r1
.free:
  mov r1, r10
  call kfree
  mov r1, r11
  LEAVE
.freefail:
  mov r1, r10
  call kfree
.fail:
  li r1, -1
  LEAVE

sys_dsize:
  LOAD r1, disk_cap
  ret

sys_procinfo:
  ENTER
  ldw r1, P_R2(r1)
  call proc_find
  cmpi r1, 0
  beq .fail
  ldw r1, P_TICKS(r1)
  LEAVE
.fail:
  li r1, -1
  LEAVE

sys_freemem:
  LOAD r1, kmem_nfree
  ret

sys_shutdown:
  ldw r7, P_R2(r1)
  la r1, .msg
  call kputs_locked
  mov r1, r7
  j power_off
.msg: .asciz "labos: shutdown by a process\n"
.align 4

sys_reboot:
  la r1, .msg
  call kputs_locked
  j reboot
.msg: .asciz "labos: reboot by a process\n"
.align 4

sys_cpuid:
  ARCH_GETCR r1, CR_SCRATCH1
  ldw r1, CPU_ID(r1)
  ret
