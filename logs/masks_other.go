//go:build !amd64 || purego

package logs

// blockMasks returns bit masks of the 64 bytes at b, byte k's bit k: q of the quotes, bs
// of the backslashes, br of the brackets ('{', '}', '[' and ']'), nl of the line ends.
func blockMasks(b *[64]byte) (q, bs, br, nl uint64) { return blockMasksGo(b) }
