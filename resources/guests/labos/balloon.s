; balloon.s — the balloon driver (ESX's vmmemctl; the device is docs/isa.md §9.9).
;
; Interface: balloon_init() (CPU 0 at boot: registers the driver with the device), balloon_tick()
; (CPU 0's timer interrupt, every tick: every BALLOON_POLL_TICKS ticks, one poll).
; How it works: a poll reads the host's target. Below it, the driver takes frames from labos's own
; allocator (kalloc_raw: never zeroed, never touched), writes each frame's page number to the
; device (the host then takes its host frame) and records it; above it, it takes recorded pages
; back (BALLOON_DEFLATE) and frees them to the allocator (the page reads as zeros; its next write
; gets a new host frame). At most BALLOON_BATCH pages per poll, so the guest is never stalled long.
; The page numbers are kept in a chain of list frames (kalloc'd, zeroed): word 0 the next list
; frame, word 1 the count, then up to BL_SLOTS page numbers; a list frame that empties is freed.
; Rules: the driver leaves BALLOON_KEEP free frames to the kernel (it never inflates below them),
; so labos keeps running whatever the target; what the balloon holds is gone for the guest's
; programs: a program asking for more memory than is left gets an allocation failure (sbrk or
; map returns -1) and reports it — labos has no pager. Runs with proc_lock held (trap entry), on
; CPU 0 only, so the list needs no lock of its own; kalloc/kfree take kmem_lock.

BL_NEXT  = 0
BL_COUNT = 4
BL_PAGES = 8
BL_SLOTS = 1022

balloon_init:
  li r1, 1
  ARCH_OUT r1, BALLOON_CTRL
  ARCH_IN r1, BALLOON_CTRL
  cmpi r1, 1
  bne .none                 ; no device (the port floats): no driver
  STORE r1, balloon_on, r2
  li r1, BALLOON_POLL_TICKS
  STORE r1, balloon_wait, r2
.none:
  ret

balloon_tick:
  ENTER
  LOAD r1, balloon_on
  cmpi r1, 0
  beq .out
  LOAD r1, balloon_wait
  addi r1, r1, -1
  STORE r1, balloon_wait, r2
  cmpi r1, 0
  bgt .out
  li r1, BALLOON_POLL_TICKS
  STORE r1, balloon_wait, r2
  ARCH_IN r7, BALLOON_TARGET
  li r8, BALLOON_BATCH
.step:
  cmpi r8, 0
  beq .out
  addi r8, r8, -1
  LOAD r1, balloon_size
  cmp r1, r7
  beq .out
  bgtu .down
  call balloon_inflate_one
  cmpi r1, 0
  bne .step
  j .out
.down:
  call balloon_deflate_one
  j .step
.out:
  LEAVE

; balloon_inflate_one() -> 1 when a page went into the balloon, 0 when none could be spared
balloon_inflate_one:
  ENTER
  LOAD r1, kmem_nfree
  cmpi r1, BALLOON_KEEP
  ble .fail
  LOAD r7, balloon_list
  cmpi r7, 0
  beq .newlist
  ldw r1, BL_COUNT(r7)
  cmpi r1, BL_SLOTS
  blt .slot
.newlist:
  call kalloc
  cmpi r1, 0
  beq .fail
  stw r7, BL_NEXT(r1)
  mov r7, r1
  STORE r7, balloon_list, r2
.slot:
  call kalloc_raw
  cmpi r1, 0
  beq .fail
  srli r8, r1, 12
  ARCH_OUT r8, BALLOON_INFLATE
  ldw r2, BL_COUNT(r7)
  slli r3, r2, 2
  add r3, r3, r7
  stw r8, BL_PAGES(r3)
  addi r2, r2, 1
  stw r2, BL_COUNT(r7)
  LOAD r1, balloon_size
  addi r1, r1, 1
  STORE r1, balloon_size, r2
  li r1, 1
  LEAVE
.fail:
  li r1, 0
  LEAVE

; balloon_deflate_one(): the last page recorded leaves the balloon and goes back to the allocator
balloon_deflate_one:
  ENTER
  LOAD r7, balloon_list
.find:
  cmpi r7, 0
  beq .out
  ldw r2, BL_COUNT(r7)
  cmpi r2, 0
  bne .pop
  ldw r1, BL_NEXT(r7)       ; an empty list frame (left by a failed inflate): free it
  STORE r1, balloon_list, r3
  mov r1, r7
  call kfree
  LOAD r7, balloon_list
  j .find
.pop:
  addi r2, r2, -1
  stw r2, BL_COUNT(r7)
  slli r3, r2, 2
  add r3, r3, r7
  ldw r8, BL_PAGES(r3)
  ARCH_OUT r8, BALLOON_DEFLATE
  slli r1, r8, 12
  call kfree
  LOAD r1, balloon_size
  addi r1, r1, -1
  STORE r1, balloon_size, r2
  ldw r2, BL_COUNT(r7)
  cmpi r2, 0
  bne .out
  ldw r1, BL_NEXT(r7)
  STORE r1, balloon_list, r3
  mov r1, r7
  call kfree
.out:
  LEAVE
