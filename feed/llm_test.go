package feed

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestLLMRewrite(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k3y" {
			http.Error(w, "bad request path or key", http.StatusUnauthorized)
			return
		}
		var req struct {
			Model    string `json:"model"`
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "m1" || len(req.Messages) != 2 {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		// The facts and the draft must reach the model.
		user := req.Messages[1].Content
		if !strings.Contains(user, `ResultType == \"50126\"`) || !strings.Contains(user, "Draft: ") {
			http.Error(w, "no facts", http.StatusBadRequest)
			return
		}
		kind := "hypothesis"
		if strings.Contains(req.Messages[0].Content, "false-positive") {
			kind = "fp"
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": " rewritten " + kind + " "}}}})
	}))
	defer srv.Close()
	r := load(t, "spray.yaml", sprayRule)
	a := Analyze(r, nil, testEnv())
	enr := Compose(r, a)
	llm := &LLM{URL: srv.URL + "/v1", Key: "k3y", Model: "m1"}
	if err := llm.Rewrite(context.Background(), r, a, &enr); err != nil {
		t.Fatal(err)
	}
	if enr.Hypothesis.Text != "rewritten hypothesis" || enr.FalsePositives.Text != "rewritten fp" || calls != 2 {
		t.Errorf("rewrite = %+v after %d calls", enr, calls)
	}
	if !enr.Hypothesis.Generated || enr.Hypothesis.GeneratedBy != "socfeed template v1, rewritten by m1" {
		t.Errorf("rewritten text not marked: %+v", enr.Hypothesis)
	}

	// A failing endpoint leaves the template text and is reported by Sync.
	bad := &LLM{URL: srv.URL + "/v1", Key: "wrong", Model: "m1"}
	before := Compose(r, a)
	enr = before
	if err := bad.Rewrite(context.Background(), r, a, &enr); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Rewrite with a wrong key: %v", err)
	}
	if enr != before {
		t.Errorf("failed rewrite changed the text")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spray.yaml"), sprayRule)
	src, _ := ParseSource(dir)
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rep, err := cat.Sync(context.Background(), src, SyncOptions{LLM: bad})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.LLMErrors) != 1 {
		t.Errorf("sync LLM errors = %v, want 1", rep.LLMErrors)
	}
	rule, err := cat.Rule(context.Background(), src.ID()+":spray.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if rule.Enrichment.Hypothesis.GeneratedBy != TemplateVersion {
		t.Errorf("stored hypothesis = %+v, want the template's", rule.Enrichment.Hypothesis)
	}
}
