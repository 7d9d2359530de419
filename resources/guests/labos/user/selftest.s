; user/selftest.s — `selftest`: the kernel's in-guest test program (like xv6's usertests).
; Runs every test in .tests, printing "selftest: NAME: ok" or "... FAILED", then
; "selftest: N passed, M failed", and exits with M (the kernel powers off with that code).
; Tests that need a victim spawn selftest itself with a helper number as argument (H_*): the
; helper misbehaves and the parent checks how it ended. A test returns 0 on success.

H_UNMAPPED = 1
H_KREAD    = 2
H_KWRITE   = 3
H_DIV      = 4
H_PRIV     = 5
H_SPIN     = 6
H_EXIT42   = 7
H_ISOL     = 8
H_MISALIGN = 9
H_ILLEGAL  = 10
H_ROWRITE  = 11
H_COUNT    = 12

p_selftest:
  ENTER
  cmpi r1, 0
  beq .run
  cmpi r1, H_COUNT
  bge .run
  ; helper: jump through the helper table
  slli r1, r1, 2
  ULA r2, st_helpers
  add r1, r1, r2
  ldw r1, 0(r1)
  li r2, USER_BASE
  add r1, r1, r2
  jalr r1
  LEAVE
.run:
  ULA r7, st_tests
  li r8, 0                  ; passed
  li r9, 0                  ; failed
.loop:
  ldw r10, 0(r7)            ; name (offset in the user image, 0 = end)
  cmpi r10, 0
  beq .done
  li r1, USER_BASE
  add r10, r10, r1
  ldw r11, 4(r7)
  add r11, r11, r1
  jalr r11
  mov r12, r1
  ULA r1, .pre
  call puts
  mov r1, r10
  call puts
  cmpi r12, 0
  bne .fail
  ULA r1, .ok
  call puts
  addi r8, r8, 1
  j .next
.fail:
  cmpi r12, 2
  bne .realfail
  ULA r1, .skip
  call puts
  j .next
.realfail:
  ULA r1, .failed
  call puts
  addi r9, r9, 1
.next:
  addi r7, r7, 8
  j .loop
.done:
  ULA r1, .pre
  call puts
  mov r1, r8
  call putdec
  ULA r1, .sum1
  call puts
  mov r1, r9
  call putdec
  ULA r1, .sum2
  call puts
  mov r1, r9
  LEAVE
.pre:    .asciz "selftest: "
.ok:     .asciz ": ok\n"
.failed: .asciz ": FAILED\n"
.skip:   .asciz ": skipped (no disk)\n"
.sum1:   .asciz " passed, "
.sum2:   .asciz " failed\n"
.align 4

; ---- the test table: name, function (offsets in the user image) ----
.macro TEST name, fn
  .word \name - uimg_start, \fn - uimg_start
.endm
st_tests:
  TEST .n_getpid, t_getpid
  TEST .n_write, t_write
  TEST .n_badsys, t_badsys
  TEST .n_sbrk, t_sbrk
  TEST .n_map, t_map
  TEST .n_pf, t_pagefault
  TEST .n_kread, t_kread
  TEST .n_kwrite, t_kwrite
  TEST .n_rowrite, t_rowrite
  TEST .n_isol, t_isolation
  TEST .n_div, t_divzero
  TEST .n_priv, t_priv
  TEST .n_ill, t_illegal
  TEST .n_mis, t_misaligned
  TEST .n_wait, t_exitwait
  TEST .n_spawn, t_spawn
  TEST .n_preempt, t_preempt
  TEST .n_sleep, t_sleep
  TEST .n_yield, t_yield
  TEST .n_param, t_param
  TEST .n_disk, t_disk
  TEST .n_setf, t_usersetf
  .word 0, 0
.n_getpid:  .asciz "getpid"
.n_write:   .asciz "write (good and bad buffers)"
.n_badsys:  .asciz "unknown system call"
.n_sbrk:    .asciz "sbrk alloc/free"
.n_map:     .asciz "map/unmap"
.n_pf:      .asciz "page fault on an unmapped user address kills"
.n_kread:   .asciz "reading kernel memory kills"
.n_kwrite:  .asciz "writing kernel memory kills"
.n_rowrite: .asciz "writing a read-only page kills"
.n_isol:    .asciz "address spaces are isolated"
.n_div:     .asciz "divide by zero kills"
.n_priv:    .asciz "privileged instruction kills"
.n_ill:     .asciz "illegal instruction kills"
.n_mis:     .asciz "misaligned access kills"
.n_wait:    .asciz "exit status and wait"
.n_spawn:   .asciz "spawn errors"
.n_preempt: .asciz "preemption: two CPU-bound processes both progress"
.n_sleep:   .asciz "sleep timing"
.n_yield:   .asciz "yield"
.n_param:   .asciz "getparam default"
.n_disk:    .asciz "disk round trip"
.n_setf:    .asciz "user-mode setf cannot disable interrupts"
.align 4

st_helpers:
  .word 0, h_unmapped - uimg_start, h_kread - uimg_start, h_kwrite - uimg_start
  .word h_div - uimg_start, h_priv - uimg_start, h_spin - uimg_start, h_exit42 - uimg_start
  .word h_isol - uimg_start, h_misalign - uimg_start, h_illegal - uimg_start
  .word h_rowrite - uimg_start

; ---- helpers (run in a child) ----
h_unmapped:
  li r2, UMAP_HINT + 0x1000
  ldw r1, 0(r2)
  ret
h_kread:
  li r2, 0x2000
  ldw r1, 0(r2)
  ret
h_kwrite:
  li r2, 0x1000
  stw r2, 0(r2)
  li r1, 0
  ret
h_div:
  li r1, 7
  div r1, r1, r0
  ret
h_priv:
  cli
  li r1, 0
  ret
h_spin:
  j h_spin
h_exit42:
  li r1, 42
  ret
h_isol:
  ENTER
  li r1, UMAP_HINT
  li r2, 1
  call umap
  cmpi r1, 0
  bne .bad
  li r2, UMAP_HINT
  ldw r1, 0(r2)             ; must be 0: not the parent's page
  li r3, 0xBAD
  stw r3, 0(r2)
  LEAVE
.bad:
  li r1, 99
  LEAVE
h_misalign:
  li r2, UMAP_HINT + 2
  ldw r1, 0(r2)
  ret
h_illegal:
  .word 0
  ret
h_rowrite:
  ENTER
  li r1, UMAP_HINT
  li r2, 0
  call umap
  li r2, UMAP_HINT
  ldw r1, 0(r2)             ; reading is fine
  stw r2, 0(r2)             ; writing is not
  li r1, 0
  LEAVE

; child(helper) -> exit status of a selftest child running that helper
child:
  ENTER
  mov r2, r1
  ULA r1, .name
  call uspawn
  cmpi r1, 0
  ble .fail
  call uwait
  LEAVE
.fail:
  li r1, 0x7fffffff
  LEAVE
.name: .asciz "selftest"
.align 4

; expect(helper r1, status r2) -> 0 if the child ended with that status
expect:
  ENTER
  mov r7, r2
  call child
  sub r1, r1, r7
  LEAVE

; ---- tests ----
t_getpid:
  ENTER
  call ugetpid
  cmpi r1, 0
  ble .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_write:
  ENTER
  ULA r1, .empty
  li r2, 0
  call uwrite
  cmpi r1, 0
  bne .f
  li r1, 0x2000             ; kernel memory
  li r2, 4
  call uwrite
  cmpi r1, -1
  bne .f
  li r1, UMAP_HINT + 0x5000 ; unmapped
  li r2, 4
  call uwrite
  cmpi r1, -1
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE
.empty: .word 0

t_badsys:
  li r1, 999
  sys
  cmpi r1, -1
  bne .f
  li r1, 0
  sys
  cmpi r1, -1
  bne .f
  li r1, 0
  ret
.f:
  li r1, 1
  ret

t_sbrk:
  ENTER
  call ufreemem
  mov r7, r1
  li r1, 8192
  call usbrk
  cmpi r1, -1
  beq .f
  mov r8, r1
  li r2, 0x5a5a
  stw r2, 0(r8)
  li r3, 4096
  add r3, r3, r8
  stw r2, 4092(r3)
  ldw r4, 0(r8)
  cmp r4, r2
  bne .f
  li r1, -8192
  call usbrk
  li r2, 8192
  add r2, r2, r8
  cmp r1, r2
  bne .f
  call ufreemem
  cmp r1, r7
  bne .f
  li r1, 0x7fffffff         ; far too much
  call usbrk
  cmpi r1, -1
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_map:
  ENTER
  ; warm up: the first map may allocate a page table that stays with the process
  li r1, UMAP_HINT
  li r2, 1
  call umap
  li r1, UMAP_HINT
  call uunmap
  call ufreemem
  mov r7, r1
  li r1, UMAP_HINT
  li r2, 1
  call umap
  cmpi r1, 0
  bne .f
  li r2, UMAP_HINT
  ldw r3, 0(r2)
  cmpi r3, 0
  bne .f
  li r3, 0x600d
  stw r3, 0(r2)
  ldw r4, 0(r2)
  cmp r4, r3
  bne .f
  li r1, UMAP_HINT          ; already mapped
  li r2, 1
  call umap
  cmpi r1, -1
  bne .f
  li r1, 0x3000             ; kernel address
  li r2, 1
  call umap
  cmpi r1, -1
  bne .f
  li r1, UMAP_HINT + 4      ; not page-aligned
  li r2, 1
  call umap
  cmpi r1, -1
  bne .f
  li r1, UMAP_HINT
  call uunmap
  cmpi r1, 0
  bne .f
  li r1, UMAP_HINT
  call uunmap
  cmpi r1, -1
  bne .f
  call ufreemem
  cmp r1, r7
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_pagefault:
  li r1, H_UNMAPPED
  li r2, -103
  j expect
t_kread:
  li r1, H_KREAD
  li r2, -103
  j expect
t_kwrite:
  li r1, H_KWRITE
  li r2, -103
  j expect
t_rowrite:
  li r1, H_ROWRITE
  li r2, -103
  j expect
t_divzero:
  li r1, H_DIV
  li r2, -100
  j expect
t_priv:
  li r1, H_PRIV
  li r2, -102
  j expect
t_illegal:
  li r1, H_ILLEGAL
  li r2, -101
  j expect
t_misaligned:
  li r1, H_MISALIGN
  li r2, -104
  j expect

t_isolation:
  ENTER
  li r1, UMAP_HINT
  li r2, 1
  call umap
  cmpi r1, 0
  bne .f
  li r2, UMAP_HINT
  li r3, 0x1234
  stw r3, 0(r2)
  li r1, H_ISOL
  call child
  mov r7, r1                ; what the child read at the same address
  li r2, UMAP_HINT
  ldw r8, 0(r2)
  li r1, UMAP_HINT
  call uunmap
  cmpi r7, 0
  bne .f
  cmpi r8, 0x1234
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_exitwait:
  ENTER
  ULA r1, child.name
  li r2, H_EXIT42
  call uspawn
  mov r7, r1
  call uwait
  cmpi r1, 42
  bne .f
  mov r1, r7                ; already collected
  call uwait
  cmpi r1, -1
  bne .f
  li r1, 9999               ; no such process
  call uwait
  cmpi r1, -1
  bne .f
  li r1, 9999
  call ukill
  cmpi r1, -1
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_spawn:
  ENTER
  ULA r1, .nosuch
  li r2, 0
  call uspawn
  cmpi r1, -1
  bne .f
  ULA r1, .kprog            ; kernel programs cannot be spawned
  li r2, 0
  call uspawn
  cmpi r1, -1
  bne .f
  li r1, 0x2000             ; bad name pointer
  li r2, 0
  call uspawn
  cmpi r1, -1
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE
.nosuch: .asciz "nosuch"
.kprog:  .asciz "sensitive"
.align 4

t_preempt:
  ENTER
  ULA r1, child.name
  li r2, H_SPIN
  call uspawn
  mov r7, r1
  ULA r1, child.name
  li r2, H_SPIN
  call uspawn
  mov r8, r1
  li r1, 20000              ; 20 ms: both spinners must get the CPU meanwhile
  call usleep
  mov r1, r7
  call uprocinfo
  mov r9, r1
  mov r1, r8
  call uprocinfo
  mov r10, r1
  mov r1, r7
  call ukill
  mov r1, r8
  call ukill
  mov r1, r7
  call uwait
  mov r11, r1
  mov r1, r8
  call uwait
  cmpi r1, -9
  bne .f
  cmpi r11, -9
  bne .f
  cmpi r9, 0
  ble .f
  cmpi r10, 0
  ble .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_sleep:
  ENTER
  call uticks
  mov r7, r1
  call uuptime
  mov r8, r1
  li r1, 5000
  call usleep
  call uuptime
  sub r8, r1, r8
  call uticks
  sub r7, r1, r7
  li r1, 5000
  cmp r8, r1
  blt .f
  cmpi r7, 5
  blt .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE

t_yield:
  ENTER
  call uyield
  LEAVE

t_param:
  ENTER
  ULA r1, .key
  li r2, 77
  call ugetparam
  cmpi r1, 77
  bne .f
  li r1, 0
  LEAVE
.f:
  li r1, 1
  LEAVE
.key: .asciz "no_such_key"
.align 4

t_disk:
  ENTER
  call udsize
  cmpi r1, 0
  beq .skip
  addi r7, r1, -1           ; last sector
  li r1, 1024
  call usbrk
  cmpi r1, -1
  beq .f
  mov r8, r1                ; 512 bytes out, 512 bytes in
  li r9, 0
.fill:
  cmpi r9, 128
  bge .filled
  slli r2, r9, 2
  add r2, r2, r8
  li r3, 0x01010101
  mul r3, r3, r9
  xor r3, r3, r7
  stw r3, 0(r2)
  li r3, -1
  stw r3, 512(r2)
  addi r9, r9, 1
  j .fill
.filled:
  mov r1, r7
  mov r2, r8
  li r3, 1
  call udwrite
  cmpi r1, 0
  bne .f
  mov r1, r7
  addi r2, r8, 512
  li r3, 1
  call udread
  cmpi r1, 0
  bne .f
  li r9, 0
.cmp:
  cmpi r9, 128
  bge .cmpd
  slli r2, r9, 2
  add r2, r2, r8
  ldw r3, 0(r2)
  ldw r4, 512(r2)
  cmp r3, r4
  bne .f
  addi r9, r9, 1
  j .cmp
.cmpd:
  addi r1, r7, 1            ; past the end
  addi r2, r8, 512
  li r3, 1
  call udread
  cmpi r1, -1
  bne .f
  li r1, -1024
  call usbrk
  li r1, 0
  LEAVE
.skip:
  li r1, 2
  LEAVE
.f:
  li r1, 1
  LEAVE

; In user mode setf cannot change IE (it is silently kept, like POPF), and smsw reports user
; mode: true on bare hardware and under every monitor, so this passes everywhere.
t_usersetf:
  getf r1
  li r2, ~PSW_IE
  and r1, r1, r2
  setf r1
  getf r2
  andi r3, r2, PSW_IE
  cmpi r3, 0
  beq .f
  andi r3, r2, PSW_K
  cmpi r3, 0
  bne .f
  smsw r2
  andi r3, r2, MSW_K
  cmpi r3, 0
  bne .f
  li r1, 0
  ret
.f:
  li r1, 1
  ret
