package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// SourceKind says how a source is read.
type SourceKind int

const (
	// SourceFolder is a plain local folder, read as it is on disk.
	SourceFolder SourceKind = iota
	// SourceLocalGit is a local git repository (a path or a file:// URL), read at HEAD.
	SourceLocalGit
	// SourceRemoteGit is a remote git repository (https://, http:// or ssh), cloned into
	// the store and read at the remote's HEAD.
	SourceRemoteGit
)

// String returns "folder", "git" or "remote git".
func (k SourceKind) String() string {
	switch k {
	case SourceLocalGit:
		return "git"
	case SourceRemoteGit:
		return "remote git"
	}
	return "folder"
}

// Source is a place rules come from: a folder or a git repository laid out like
// Azure-Sentinel (`Detections/`, `Hunting Queries/`, `Solutions/*/Analytic Rules/`,
// `Solutions/*/Hunting Queries/`) or holding plain .yaml and .kql files.
type Source struct {
	// Spec is the source as the user wrote it.
	Spec string
	Kind SourceKind
	// Location is the absolute folder path of a local source or the URL of a remote one.
	Location string
	// Name is a short display name: "OWNER/REPO" for GitHub, else the last path element.
	Name string
}

// ParseSource interprets a source argument: a local folder or repository path, a file://
// URL, or an https://, http:// or ssh:// URL (or scp-like `git@host:path`) of a git
// repository. Local paths must exist.
func ParseSource(spec string) (Source, error) {
	s := Source{Spec: spec}
	switch {
	case strings.HasPrefix(spec, "https://"), strings.HasPrefix(spec, "http://"), strings.HasPrefix(spec, "ssh://"),
		scpLikeRE.MatchString(spec):
		s.Kind = SourceRemoteGit
		s.Location = strings.TrimSuffix(spec, "/")
		s.Name = remoteName(s.Location)
		return s, nil
	case strings.HasPrefix(spec, "file://"):
		u, err := url.Parse(spec)
		if err != nil {
			return s, fmt.Errorf("source %q: %v", spec, err)
		}
		spec = u.Path
		if _, err := git.PlainOpen(spec); err != nil {
			return s, fmt.Errorf("source %q: not a git repository: %v", s.Spec, err)
		}
		s.Kind = SourceLocalGit
	case strings.Contains(spec, "://"):
		return s, fmt.Errorf("source %q: unsupported URL scheme (want https, http, ssh or file)", spec)
	}
	abs, err := filepath.Abs(spec)
	if err != nil {
		return s, fmt.Errorf("source %q: %v", s.Spec, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return s, fmt.Errorf("source %q: %v", s.Spec, errText(err))
	}
	s.Location = abs
	s.Name = filepath.Base(abs)
	if !info.IsDir() {
		return s, fmt.Errorf("source %q: not a folder", s.Spec)
	}
	if s.Kind != SourceLocalGit {
		if _, err := git.PlainOpen(abs); err == nil {
			s.Kind = SourceLocalGit
		}
	}
	return s, nil
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// remoteName returns "OWNER/REPO" for a repository URL, or its last path element.
func remoteName(loc string) string {
	if owner, repo, ok := githubRepo(loc); ok {
		return owner + "/" + repo
	}
	loc = strings.TrimSuffix(loc, ".git")
	if i := strings.LastIndexAny(loc, "/:"); i >= 0 {
		return loc[i+1:]
	}
	return loc
}

var (
	scpLikeRE    = regexp.MustCompile(`^[\w.-]+@[\w.-]+:`)
	unsafeNameRE = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)
)

var githubRE = regexp.MustCompile(`^(?:https?://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$`)

// githubRepo returns the owner and repository of a GitHub URL.
func githubRepo(loc string) (owner, repo string, ok bool) {
	m := githubRE.FindStringSubmatch(loc)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// ID returns a name for the source that is safe as a folder name and unique per location.
func (s Source) ID() string {
	sum := sha256.Sum256([]byte(s.Location))
	name := unsafeNameRE.ReplaceAllString(s.Name, "-")
	return strings.Trim(name, "-.") + "-" + hex.EncodeToString(sum[:4])
}

// Snapshot is a source's files as of one fetch.
type Snapshot struct {
	Source Source
	// Root is the folder holding the files to load: the folder itself for a plain folder,
	// else the store's checkout of the commit.
	Root string
	// Commit is the commit hash read, "" for a plain folder.
	Commit string
	// Licence is the SPDX id of the licence in the root's LICENSE file ("MIT",
	// "Apache-2.0", ...), "other" for an unrecognised one, "" when there is none.
	Licence string
	// Retrieved is when the source was read.
	Retrieved time.Time
}

// FileURL returns where a file of the snapshot (a slash-separated path relative to Root)
// can be seen at its origin: a GitHub blob URL pinned to the commit for GitHub sources,
// else the file's path in the source.
func (s *Snapshot) FileURL(rel string) string {
	rel = filepath.ToSlash(rel)
	if s.Source.Kind == SourceRemoteGit {
		if owner, repo, ok := githubRepo(s.Source.Location); ok && s.Commit != "" {
			var parts []string
			for _, p := range strings.Split(rel, "/") {
				parts = append(parts, url.PathEscape(p))
			}
			return fmt.Sprintf("https://github.com/%s/%s/blob/%s/%s", owner, repo, s.Commit, strings.Join(parts, "/"))
		}
		return s.Source.Location + "/" + rel
	}
	return filepath.Join(s.Source.Location, filepath.FromSlash(rel))
}

// Fetch reads the source into the store folder and returns its snapshot. A remote
// repository is cloned into store/repos the first time and fetched afterwards; a git
// source's files at HEAD are written to store/checkouts. A plain folder is read in place.
func (s Source) Fetch(ctx context.Context, store string, now time.Time) (*Snapshot, error) {
	snap := &Snapshot{Source: s, Retrieved: now.UTC()}
	switch s.Kind {
	case SourceFolder:
		snap.Root = s.Location
		snap.Licence = folderLicence(s.Location)
		return snap, nil
	case SourceLocalGit:
		repo, err := git.PlainOpen(s.Location)
		if err != nil {
			return nil, fmt.Errorf("source %q: %v", s.Spec, err)
		}
		return snap, snap.checkout(repo, store)
	}
	repo, err := s.syncRemote(ctx, store)
	if err != nil {
		return nil, err
	}
	return snap, snap.checkout(repo, store)
}

// syncRemote clones or fetches a remote repository into the store.
func (s Source) syncRemote(ctx context.Context, store string) (*git.Repository, error) {
	dir := filepath.Join(store, "repos", s.ID())
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, err
		}
		repo, err = git.PlainCloneContext(ctx, dir, true, &git.CloneOptions{URL: s.Location, Depth: 1, Tags: git.NoTags})
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("source %q: clone: %v", s.Spec, err)
		}
		return repo, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source %q: %v", s.Spec, err)
	}
	err = repo.FetchContext(ctx, &git.FetchOptions{Depth: 1, Force: true, Tags: git.NoTags})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil, fmt.Errorf("source %q: fetch: %v", s.Spec, err)
	}
	// A bare clone's HEAD names a local branch that fetch does not move; point it at the
	// fetched remote branch.
	head, err := repo.Reference(plumbing.HEAD, false)
	if err == nil && head.Type() == plumbing.SymbolicReference {
		remote := plumbing.NewRemoteReferenceName("origin", head.Target().Short())
		if r, err := repo.Reference(remote, true); err == nil {
			if err := repo.Storer.SetReference(plumbing.NewHashReference(head.Target(), r.Hash())); err != nil {
				return nil, fmt.Errorf("source %q: %v", s.Spec, err)
			}
		}
	}
	return repo, nil
}

// checkout writes the rule files and the licence of HEAD into store/checkouts.
func (snap *Snapshot) checkout(repo *git.Repository, store string) error {
	spec := snap.Source.Spec
	head, err := repo.Head()
	if err != nil {
		return fmt.Errorf("source %q: HEAD: %v", spec, err)
	}
	commit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return fmt.Errorf("source %q: commit %s: %v", spec, head.Hash(), err)
	}
	snap.Commit = commit.Hash.String()
	root := filepath.Join(store, "checkouts", snap.Source.ID())
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	snap.Root = root
	files, err := commit.Files()
	if err != nil {
		return fmt.Errorf("source %q: %v", spec, err)
	}
	err = files.ForEach(func(f *object.File) error {
		name := f.Name
		isLicence := !strings.Contains(name, "/") && licenceFile(name)
		switch strings.ToLower(path.Ext(name)) {
		case ".yaml", ".yml", ".kql":
		default:
			if !isLicence {
				return nil
			}
		}
		if !f.Mode.IsFile() || strings.Contains("/"+name+"/", "/../") {
			return nil
		}
		r, err := f.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		text, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if isLicence && snap.Licence == "" {
			snap.Licence = DetectLicence(string(text))
		}
		dst := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, text, 0o644)
	})
	if err != nil {
		return fmt.Errorf("source %q: reading commit %s: %v", spec, snap.Commit, err)
	}
	return nil
}

// licenceFile reports whether a root file name is a licence file.
func licenceFile(name string) bool {
	base := strings.ToUpper(strings.TrimSuffix(name, path.Ext(name)))
	return base == "LICENSE" || base == "LICENCE" || base == "COPYING" || base == "LICENSE-MIT"
}

func folderLicence(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if !e.IsDir() && licenceFile(e.Name()) {
			if text, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				return DetectLicence(string(text))
			}
		}
	}
	return ""
}

// DetectLicence names the licence of a LICENSE file's text by its SPDX id, from phrases
// each licence's text contains. It returns "other" for a text it does not recognise.
func DetectLicence(text string) string {
	t := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	has := func(phrases ...string) bool {
		for _, p := range phrases {
			if !strings.Contains(t, p) {
				return false
			}
		}
		return true
	}
	switch {
	case has("apache license", "version 2.0"):
		return "Apache-2.0"
	case has("gnu lesser general public license", "version 3"):
		return "LGPL-3.0"
	case has("gnu lesser general public license", "version 2.1"):
		return "LGPL-2.1"
	case has("gnu affero general public license"):
		return "AGPL-3.0"
	case has("gnu general public license", "version 3"):
		return "GPL-3.0"
	case has("gnu general public license", "version 2"):
		return "GPL-2.0"
	case has("mozilla public license", "2.0"):
		return "MPL-2.0"
	case has("permission is hereby granted, free of charge"):
		return "MIT"
	case has("redistribution and use in source and binary forms", "neither the name"):
		return "BSD-3-Clause"
	case has("redistribution and use in source and binary forms"):
		return "BSD-2-Clause"
	case has("permission to use, copy, modify, and/or distribute this software for any purpose"):
		return "ISC"
	case has("this is free and unencumbered software released into the public domain"):
		return "Unlicense"
	case has("creative commons", "cc0"):
		return "CC0-1.0"
	case has("attribution 4.0 international"):
		return "CC-BY-4.0"
	case has("attribution-sharealike 4.0 international"):
		return "CC-BY-SA-4.0"
	}
	return "other"
}
