package rules

import (
	"crypto/sha1"
	"fmt"
	"slices"
	"strings"
)

// derivedIDNamespace is the UUID namespace of [DerivedID]: the version-5 UUID of the URL
// "https://github.com/socfeed/socfeed/rules#DerivedID" in the URL namespace of RFC 9562.
func derivedIDNamespace() [16]byte {
	return [16]byte{0xcf, 0x5b, 0x3f, 0xde, 0xf7, 0xdb, 0x5f, 0xd9, 0xb5, 0xce, 0xa6, 0xee, 0xa1, 0x73, 0x78, 0x4c}
}

// DerivedID returns the id the loader gives a hunting query that has none: the
// version-5 UUID (RFC 9562, SHA-1) of the file's repository path, [RepoPath], in
// socfeed's namespace cf5b3fde-f7db-5fd9-b5ce-a6eea173784c. It depends only on that
// path, so the same file gets the same id in every checkout and on every machine, and
// its id changes when it moves.
func DerivedID(file string) string {
	return uuid5(derivedIDNamespace(), RepoPath(file))
}

// uuid5 returns the version-5 UUID of name in namespace ns, in the 8-4-4-4-12 form.
func uuid5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// RepoPath returns the path of a rule file inside its Azure-Sentinel checkout, with
// slashes: the path from the first `Solutions/NAME/Analytic Rules` or
// `Solutions/NAME/Hunting Queries` folder, else from the first `Detections` or
// `Hunting Queries` folder (such as "Hunting Queries/AuditLogs/x.yaml"). For a file in
// none of these folders it is the file's name. Folder names match ignoring case;
// backslashes count as separators.
func RepoPath(file string) string {
	parts := strings.Split(strings.ReplaceAll(file, `\`, "/"), "/")
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" || p == "." })
	if len(parts) == 0 {
		return ""
	}
	dirs := parts[:len(parts)-1]
	for i := 0; i+2 < len(dirs); i++ {
		if strings.EqualFold(dirs[i], "Solutions") && (strings.EqualFold(dirs[i+2], "Analytic Rules") || strings.EqualFold(dirs[i+2], "Hunting Queries")) {
			return strings.Join(parts[i:], "/")
		}
	}
	for i, d := range dirs {
		if strings.EqualFold(d, "Detections") || strings.EqualFold(d, "Hunting Queries") {
			return strings.Join(parts[i:], "/")
		}
	}
	return parts[len(parts)-1]
}
