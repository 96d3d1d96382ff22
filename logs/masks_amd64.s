//go:build !purego

#include "textflag.h"

// func blockMasks(b *[64]byte) (q, bs, br, nl uint64)
//
// SSE2, which every amd64 processor has: sixteen bytes at a time, compare with '"', '\',
// '\n' and, after OR 0x20 (so that '[' and ']' read as '{' and '}'), with '{' and '}'; gather
// the comparisons' high bits into one bit a byte.
TEXT ·blockMasks(SB), NOSPLIT, $0-40
	MOVQ b+0(FP), SI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X9
	PUNPCKLQDQ X9, X9
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X10
	PUNPCKLQDQ X10, X10
	MOVQ $0x7b7b7b7b7b7b7b7b, AX
	MOVQ AX, X11
	PUNPCKLQDQ X11, X11
	MOVQ $0x7d7d7d7d7d7d7d7d, AX
	MOVQ AX, X12
	PUNPCKLQDQ X12, X12
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	MOVQ AX, X13
	PUNPCKLQDQ X13, X13
	XORQ DI, DI
	XORQ R11, R11
	XORQ R12, R12
	XORQ R13, R13

#define LANE(off, sh) \
	MOVOU off(SI), X0 \
	MOVO X0, X1 \
	PCMPEQB X8, X1 \
	PMOVMSKB X1, R8 \
	MOVO X0, X2 \
	PCMPEQB X9, X2 \
	PMOVMSKB X2, R9 \
	MOVO X0, X4 \
	PCMPEQB X13, X4 \
	PMOVMSKB X4, DX \
	SHLQ $sh, DX \
	ORQ DX, DI \
	POR X10, X0 \
	MOVO X0, X3 \
	PCMPEQB X11, X3 \
	PCMPEQB X12, X0 \
	POR X3, X0 \
	PMOVMSKB X0, R10 \
	SHLQ $sh, R8 \
	SHLQ $sh, R9 \
	SHLQ $sh, R10 \
	ORQ R8, R11 \
	ORQ R9, R12 \
	ORQ R10, R13

	LANE(0, 0)
	LANE(16, 16)
	LANE(32, 32)
	LANE(48, 48)

	MOVQ R11, q+8(FP)
	MOVQ R12, bs+16(FP)
	MOVQ R13, br+24(FP)
	MOVQ DI, nl+32(FP)
	RET
