; kalloc.s — the physical frame allocator and the page-table allocator.
;
; Interface: kinit(start, end), kalloc() -> zeroed 4 KiB frame or 0, kalloc_raw() -> a frame as it
; is (not zeroed: the balloon driver gives it away untouched) or 0, kfree(frame),
; ptalloc() -> zeroed page table or 0, ptfree(table).
; How it works: frames never handed out yet are taken with a bump pointer (so a large guest only
; touches the memory it uses); freed frames go on a free list threaded through their first word.
; Page tables are 4 KiB at 2 levels (one frame) and 128 bytes at 4 levels: then a frame is cut
; into 32 tables kept on their own free list (never returned to the frame pool).
; Rules: frames are physical = kernel virtual addresses (direct map). kmem_lock protects both
; allocators; kalloc zeroes outside the lock.

; kinit(start r1, end r2): both page-aligned
kinit:
  STORE r1, kmem_start, r3
  STORE r1, kmem_next, r3
  STORE r2, kmem_end, r3
  STORE r0, kmem_free, r3
  sub r2, r2, r1
  srli r2, r2, 12
  STORE r2, kmem_nfree, r3
  ret

kalloc_raw:
  ENTER
  call kmem_acquire
  LOAD r7, kmem_free
  cmpi r7, 0
  beq .bump
  ldw r1, 0(r7)
  STORE r1, kmem_free, r2
  j .got
.bump:
  LOAD r7, kmem_next
  LOAD r1, kmem_end
  cmp r7, r1
  bgeu .empty
  li r1, PAGE_SIZE
  add r1, r7, r1
  STORE r1, kmem_next, r2
.got:
  LOAD r1, kmem_nfree
  addi r1, r1, -1
  STORE r1, kmem_nfree, r2
  call kmem_release
  mov r1, r7
  LEAVE
.empty:
  call kmem_release
  li r1, 0
  LEAVE

kalloc:
  ENTER
  call kalloc_raw
  cmpi r1, 0
  beq .out
  mov r7, r1
  li r2, PAGE_SIZE
  call memzero
  mov r1, r7
.out:
  LEAVE

kfree:
  ENTER
  mov r7, r1
  call kmem_acquire
  LOAD r1, kmem_free
  stw r1, 0(r7)
  STORE r7, kmem_free, r2
  LOAD r1, kmem_nfree
  addi r1, r1, 1
  STORE r1, kmem_nfree, r2
  call kmem_release
  LEAVE

ptalloc:
  ENTER
  LOAD r1, pt_levels
  cmpi r1, 2
  bne .small
  call kalloc
  LEAVE
.small:
  call kmem_acquire
  LOAD r7, pt_freelist
  cmpi r7, 0
  beq .carve
  ldw r1, 0(r7)
  STORE r1, pt_freelist, r2
  call kmem_release
  mov r1, r7
  li r2, 128
  call memzero
  mov r1, r7
  LEAVE
.carve:
  call kmem_release
  call kalloc
  cmpi r1, 0
  beq .out
  mov r7, r1
  ; tables 1..31 of the new frame go on the free list
  call kmem_acquire
  addi r8, r7, 128
  li r9, 31
.split:
  LOAD r1, pt_freelist
  stw r1, 0(r8)
  STORE r8, pt_freelist, r2
  addi r8, r8, 128
  addi r9, r9, -1
  cmpi r9, 0
  bne .split
  call kmem_release
  mov r1, r7
.out:
  LEAVE

ptfree:
  ENTER
  mov r7, r1
  LOAD r1, pt_levels
  cmpi r1, 2
  bne .small
  mov r1, r7
  call kfree
  LEAVE
.small:
  call kmem_acquire
  LOAD r1, pt_freelist
  stw r1, 0(r7)
  STORE r7, pt_freelist, r2
  call kmem_release
  LEAVE
