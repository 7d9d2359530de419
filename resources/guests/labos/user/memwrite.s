; user/memwrite.s — `memwrite`: writes a working set of wss_kib KiB at rate_pps pages per virtual
; second (live migration's dirty rate, memory overcommitment's working set), visiting the pages in
; order, pass after pass. Parameters (the knobs the live-migration and overcommitment papers vary):
;   wss_kib      working set (default 256)
;   rate_pps     unique pages dirtied per virtual second (default 1000; 0 = as fast as possible)
;   passes       passes over the working set (default 4; 0 = forever)
;   content      what a visit writes, from the visit's value v (a function of pass, page and seed):
;                0 = v itself in every word written (the default: one word per page visit),
;                1 = text: a rotated 64-byte phrase starting at word v mod 16 (compresses many times),
;                2 = pseudo-random words from a xorshift32 seeded with 2v+1 (nothing to share or
;                compress); on the command line of `hvlab run` / `hvlab migrate` also word|text|random
;   write_bytes  bytes written per page visit, whole words from 4 to 4096 (default 4 for content 0,
;                4096 = the whole page for 1 and 2): small writes are what XBZRLE turns into small deltas
;   fill_kib     memory filled once at start outside the working set, whole pages (rounded down), with
;                the same content type: a page cache the guest never touches again (default 0)
;   verify       1 = after each pass, read the working set back and compare it with what this pass wrote
;                (the guest checks its own memory; default 0)
;   seed         mixed into every value, so VMs given different seeds write different bytes (default 0:
;                identical VMs hold identical memory, what deduplication of VMs migrated together finds)
; The visit of page n in pass p writes write_bytes at offset ((p × 64) + n × 4) mod 4 KiB, moved back
; so the write stays inside the page. Pacing uses the uptime call: page visit n of the run is done no
; earlier than start + n × (1e6 / rate_pps) us, sleeping when ahead. Prints the pages written and a
; checksum of the visits' values (no timing, so the line is the same under every monitor and whether or
; not the VM was migrated); with verify, a line "memwrite: verified N pages, M corrupted" after each pass.

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
MW_WB      = 44
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
  ULA r1, .k_wb
  li r2, 4                  ; default: one word for content 0, the whole page otherwise
  ldw r3, MW_CONTENT(sp)
  cmpi r3, 0
  beq .wbdef
  li r2, 4096
.wbdef:
  call param
  li r2, -4
  and r1, r1, r2            ; whole words
  cmpi r1, 4
  bge .wbmin
  li r1, 4
.wbmin:
  li r2, 4096
  cmp r1, r2
  ble .wbmax
  mov r1, r2
.wbmax:
  stw r1, MW_WB(sp)
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
  ; the fill: whole pages written once, outside the working set, with values that continue pass 0's
  ULA r1, .k_fill
  li r2, 0
  call param
  srli r12, r1, 2           ; pages
  cmpi r12, 0
  ble .nofill
  slli r1, r12, 12
  call usbrk
  cmpi r1, -1
  beq .nomem
  mov r10, r1               ; the fill's first page
  li r9, 0x9E3779B9
  ldw r1, MW_SEED(sp)
  li r2, 0x01000193
  mul r1, r1, r2
  add r9, r9, r1
  ldw r1, MW_NPAGES(sp)
  add r9, r9, r1            ; fill page j has value r9 + j
  li r8, 0
.fillpage:
  cmp r8, r12
  bgeu .nofill
  slli r1, r8, 12
  add r1, r1, r10
  add r2, r9, r8
  ldw r3, MW_CONTENT(sp)
  li r4, 1024
  call mw_fill
  addi r8, r8, 1
  j .fillpage
.nofill:
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
  mov r1, r7
  mov r2, r8
  ldw r3, MW_BASE(sp)
  ldw r4, MW_WB(sp)
  call mw_addr
  mov r2, r10
  ldw r3, MW_CONTENT(sp)
  ldw r4, MW_WB(sp)
  srli r4, r4, 2
  call mw_fill
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
.k_wss:     .asciz "wss_kib"
.k_rate:    .asciz "rate_pps"
.k_passes:  .asciz "passes"
.k_content: .asciz "content"
.k_wb:      .asciz "write_bytes"
.k_fill:    .asciz "fill_kib"
.k_verify:  .asciz "verify"
.k_seed:    .asciz "seed"
.m1: .asciz "memwrite: wrote "
.m2: .asciz " pages ("
.m3: .asciz " pages = "
.m4: .asciz " KiB working set, "
.m5: .asciz " passes), checksum "
.m_nomem: .asciz "memwrite: not enough memory for the working set\n"
.align 4

; mw_check: pass r7, value base r9, the caller's frame above ENTER's — reads back what this pass wrote
; in every page of the working set, counts the pages that differ, prints a line
mw_check:
  ENTER
  li r8, 0
  li r10, 0
.cpage:
  ldw r1, MW_NPAGES+28(sp)
  cmp r8, r1
  bgeu .cdone
  mov r1, r7
  mov r2, r8
  ldw r3, MW_BASE+28(sp)
  ldw r4, MW_WB+28(sp)
  call mw_addr
  add r2, r9, r8
  ldw r3, MW_CONTENT+28(sp)
  ldw r4, MW_WB+28(sp)
  srli r4, r4, 2
  call mw_same
  add r10, r10, r1
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

; mw_addr(pass r1, page r2, base r3, write_bytes r4) -> r1 = where the visit writes:
; base + page × 4 KiB + min(((pass × 64) + page × 4) mod 4 KiB, 4 KiB − write_bytes)
mw_addr:
  slli r1, r1, 6
  slli r5, r2, 2
  add r1, r1, r5
  andi r1, r1, 0xffc
  li r5, 4096
  sub r5, r5, r4
  cmp r5, r1
  bgeu .ain
  mov r1, r5
.ain:
  slli r2, r2, 12
  add r1, r1, r2
  add r1, r1, r3
  ret

; mw_fill(address r1, value r2, content r3, words r4): writes `words` words of the content:
; 0 the value, 2 pseudo-random (xorshift32 from 2v+1), anything else text (phrase word (v + i) mod 16)
mw_fill:
  li r6, 0
  cmpi r3, 0
  beq .fval
  cmpi r3, 2
  beq .frnd
  ULA r5, mw_phrase
.ftxt:
  cmp r6, r4
  bgeu .fret
  add r3, r2, r6
  andi r3, r3, 15
  slli r3, r3, 2
  add r3, r3, r5
  ldw r3, 0(r3)
  stw r3, 0(r1)
  addi r1, r1, 4
  addi r6, r6, 1
  j .ftxt
.fval:
  cmp r6, r4
  bgeu .fret
  stw r2, 0(r1)
  addi r1, r1, 4
  addi r6, r6, 1
  j .fval
.frnd:
  slli r2, r2, 1            ; 2v+1: odd (xorshift needs a non-zero state), a distinct state per value
  ori r2, r2, 1
.frl:
  cmp r6, r4
  bgeu .fret
  slli r3, r2, 13
  xor r2, r2, r3
  srli r3, r2, 17
  xor r2, r2, r3
  slli r3, r2, 5
  xor r2, r2, r3
  stw r2, 0(r1)
  addi r1, r1, 4
  addi r6, r6, 1
  j .frl
.fret:
  ret

; mw_same(address r1, value r2, content r3, words r4) -> r1 = 0 when the words hold what mw_fill
; wrote, else 1
mw_same:
  li r6, 0
  cmpi r3, 0
  beq .sval
  cmpi r3, 2
  beq .srnd
.stxt:
  cmp r6, r4
  bgeu .sok
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
  j .stxt
.sval:
  cmp r6, r4
  bgeu .sok
  ldw r5, 0(r1)
  cmp r5, r2
  bne .sbad
  addi r1, r1, 4
  addi r6, r6, 1
  j .sval
.srnd:
  slli r2, r2, 1
  ori r2, r2, 1
.srl:
  cmp r6, r4
  bgeu .sok
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
  j .srl
.sok:
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
