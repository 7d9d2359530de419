; user/memwrite.s — `memwrite`: writes a working set of wss_kib KiB at rate_pps pages per virtual
; second (live migration's dirty rate). One word per page per visit, passes over the whole set.
; Parameters: wss_kib (default 256), rate_pps (default 1000; 0 = as fast as possible), passes
; (default 4; 0 = forever), content (default 0: one word per visit; 1 = the whole page rewritten with
; text, a rotated 64-byte phrase that compresses well; 2 = the whole page rewritten with pseudo-random
; words from the visit's value: nothing to share or compress), verify (default 0; 1 = after each pass,
; read the whole working set back and compare it with what was written: the guest checks its own
; memory), seed (default 0: mixed into every value, so VMs given different seeds write different
; bytes). Pacing uses the uptime call: page n of the run is written no earlier than start + n *
; (1e6 / rate_pps) us, sleeping when ahead. Prints the pages written and a checksum (no timing, so the
; line is the same under every monitor); with verify, a line "memwrite: verified N pages, M corrupted"
; after each pass.

MW_BASE    = 0
MW_NPAGES  = 4
MW_PASSES  = 8
MW_USPP    = 12
MW_START   = 16
MW_WRITTEN = 20
MW_ARG     = 24
MW_KIB     = 28
MW_CONTENT = 32
MW_VERIFY  = 36
MW_SEED    = 40
MW_FRAME   = 48

p_memwrite:
  ENTER
  addi sp, sp, -MW_FRAME
  stw r1, MW_ARG(sp)
  ULA r1, .k_wss
  li r2, 256
  call param
  cmpi r1, 4
  bge .wssok
  li r1, 4
.wssok:
  stw r1, MW_KIB(sp)
  srli r1, r1, 2
  stw r1, MW_NPAGES(sp)
  ULA r1, .k_rate
  li r2, 1000
  call param
  li r2, 0
  cmpi r1, 0
  ble .rate0
  li r2, 1000000
  divu r2, r2, r1
.rate0:
  stw r2, MW_USPP(sp)
  ULA r1, .k_passes
  li r2, 4
  call param
  stw r1, MW_PASSES(sp)
  ULA r1, .k_content
  li r2, 0
  call param
  stw r1, MW_CONTENT(sp)
  ULA r1, .k_verify
  li r2, 0
  call param
  stw r1, MW_VERIFY(sp)
  ULA r1, .k_seed
  li r2, 0
  call param
  stw r1, MW_SEED(sp)
  ldw r1, MW_NPAGES(sp)
  slli r1, r1, 12
  call usbrk
  cmpi r1, -1
  beq .nomem
  stw r1, MW_BASE(sp)
  call uuptime
  stw r1, MW_START(sp)
  stw r0, MW_WRITTEN(sp)
  li r7, 0                  ; pass
  li r11, 0                 ; checksum
.pass:
  ldw r1, MW_PASSES(sp)
  cmpi r1, 0
  beq .go
  cmp r7, r1
  bgeu .done
.go:
  li r8, 0                  ; page
  addi r9, r7, 1
  li r1, 0x9E3779B9
  mul r9, r9, r1            ; this pass's value base
  ldw r1, MW_SEED(sp)
  li r2, 0x01000193
  mul r1, r1, r2
  add r9, r9, r1            ; + seed × FNV prime (seed 0: unchanged)
.page:
  ldw r1, MW_NPAGES(sp)
  cmp r8, r1
  bgeu .endpass
  add r10, r9, r8           ; value
  slli r1, r7, 6
  slli r2, r8, 2
  add r1, r1, r2
  andi r1, r1, 0xffc
  slli r2, r8, 12
  add r1, r1, r2
  ldw r2, MW_BASE(sp)
  add r1, r1, r2
  ldw r3, MW_CONTENT(sp)
  cmpi r3, 0
  beq .oneword
  slli r1, r8, 12
  add r1, r1, r2
  mov r2, r10
  call mw_fill
  j .written
.oneword:
  stw r10, 0(r1)
.written:
  mov r1, r11
  mov r2, r10
  call mix
  mov r11, r1
  addi r8, r8, 1
  ldw r12, MW_WRITTEN(sp)
  addi r12, r12, 1
  stw r12, MW_WRITTEN(sp)
  ; pacing
  ldw r1, MW_USPP(sp)
  cmpi r1, 0
  beq .page
  mul r12, r12, r1          ; due, us after start
  call uuptime
  ldw r2, MW_START(sp)
  sub r1, r1, r2            ; now, us after start
  sub r1, r12, r1           ; due - now
  cmpi r1, 0
  ble .page
  call usleep
  j .page
.endpass:
  ldw r1, MW_VERIFY(sp)
  cmpi r1, 0
  beq .nextpass
  call mw_check
.nextpass:
  addi r7, r7, 1
  j .pass
.done:
  ldw r1, MW_ARG(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  beq .print
  mov r1, r11
  j .out
.print:
  ULA r1, .m1
  call puts
  ldw r1, MW_WRITTEN(sp)
  call putdec
  ULA r1, .m2
  call puts
  ldw r1, MW_NPAGES(sp)
  call putdec
  ULA r1, .m3
  call puts
  ldw r1, MW_KIB(sp)
  call putdec
  ULA r1, .m4
  call puts
  mov r1, r7
  call putdec
  ULA r1, .m5
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  li r1, 0
.out:
  addi sp, sp, MW_FRAME
  LEAVE
.nomem:
  ULA r1, .m_nomem
  call puts
  li r1, 1
  j .out
.k_wss:    .asciz "wss_kib"
.k_rate:   .asciz "rate_pps"
.k_passes: .asciz "passes"
.k_content: .asciz "content"
.k_verify: .asciz "verify"
.k_seed: .asciz "seed"
.m1: .asciz "memwrite: wrote "
.m2: .asciz " pages ("
.m3: .asciz " pages = "
.m4: .asciz " KiB working set, "
.m5: .asciz " passes), checksum "
.m_nomem: .asciz "memwrite: not enough memory for the working set\n"
.align 4

; mw_check: pass r7, value base r9, the caller's frame above ENTER's — reads the working set back,
; counts the pages that differ from what this pass wrote, prints a line
mw_check:
  ENTER
  li r8, 0
  li r10, 0
.cpage:
  ldw r1, MW_NPAGES+28(sp)
  cmp r8, r1
  bgeu .cdone
  add r2, r9, r8
  ldw r3, MW_CONTENT+28(sp)
  ldw r4, MW_BASE+28(sp)
  slli r1, r8, 12
  add r1, r1, r4
  cmpi r3, 0
  bne .cfull
  slli r3, r7, 6
  slli r4, r8, 2
  add r3, r3, r4
  andi r3, r3, 0xffc
  add r3, r3, r1
  ldw r3, 0(r3)
  cmp r3, r2
  beq .cnext
  addi r10, r10, 1
  j .cnext
.cfull:
  call mw_same
  add r10, r10, r1
.cnext:
  addi r8, r8, 1
  j .cpage
.cdone:
  ldw r1, MW_ARG+28(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  bne .cout
  ULA r1, mw_ver1
  call puts
  ldw r1, MW_NPAGES+28(sp)
  call putdec
  ULA r1, mw_ver2
  call puts
  mov r1, r10
  call putdec
  ULA r1, mw_ver3
  call puts
.cout:
  LEAVE

; mw_fill(page r1, value r2, mode r3): rewrites the whole page: mode 1 text, 2 pseudo-random words
mw_fill:
  li r4, 1024
  li r6, 0
  cmpi r3, 2
  beq .frnd
  ULA r5, mw_phrase
.ftxt:
  add r3, r2, r6
  andi r3, r3, 15
  slli r3, r3, 2
  add r3, r3, r5
  ldw r3, 0(r3)
  stw r3, 0(r1)
  addi r1, r1, 4
  addi r6, r6, 1
  cmp r6, r4
  bltu .ftxt
  ret
.frnd:
  slli r2, r2, 1            ; 2v+1: odd (xorshift needs a non-zero state), a distinct state per value
  ori r2, r2, 1
.frl:
  slli r3, r2, 13
  xor r2, r2, r3
  srli r3, r2, 17
  xor r2, r2, r3
  slli r3, r2, 5
  xor r2, r2, r3
  stw r2, 0(r1)
  addi r1, r1, 4
  addi r6, r6, 1
  cmp r6, r4
  bltu .frl
  ret

; mw_same(page r1, value r2, mode r3) -> r1 = 0 when the page holds what mw_fill wrote, else 1
mw_same:
  li r4, 1024
  li r6, 0
  cmpi r3, 2
  beq .srnd
.stxt:
  add r3, r2, r6
  andi r3, r3, 15
  slli r3, r3, 2
  ULA r5, mw_phrase
  add r3, r3, r5
  ldw r3, 0(r3)
  ldw r5, 0(r1)
  cmp r3, r5
  bne .sbad
  addi r1, r1, 4
  addi r6, r6, 1
  cmp r6, r4
  bltu .stxt
  li r1, 0
  ret
.srnd:
  slli r2, r2, 1
  ori r2, r2, 1
.srl:
  slli r3, r2, 13
  xor r2, r2, r3
  srli r3, r2, 17
  xor r2, r2, r3
  slli r3, r2, 5
  xor r2, r2, r3
  ldw r5, 0(r1)
  cmp r5, r2
  bne .sbad
  addi r1, r1, 4
  addi r6, r6, 1
  cmp r6, r4
  bltu .srl
  li r1, 0
  ret
.sbad:
  li r1, 1
  ret

mw_ver1: .asciz "memwrite: verified "
mw_ver2: .asciz " pages, "
mw_ver3: .asciz " corrupted\n"
.align 4
mw_phrase: .ascii "the quick brown fox jumps over the lazy dog; pack my box with 5 "
.align 4
