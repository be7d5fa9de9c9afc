package remote

import (
	"strings"
	"testing"
)

func TestReadsTheSignInPage(t *testing.T) {
	page := []byte(`<form method="POST"><input id="csrf_token" name="csrf_token" type="hidden" value="Ijc5&amp;x.awk">
<ul class="flash-messages"><li>Failure to authenticate</li><li> Your account is <b>temporarily</b> locked out</li></ul>
<script>const showModal = '' === 'True';</script>`)
	if tok, ok := csrfToken(page); !ok || tok != "Ijc5&x.awk" {
		t.Errorf("csrfToken = %q %v", tok, ok)
	}
	if f := flashed(page); f != "Failure to authenticate; Your account is temporarily locked out" {
		t.Errorf("flashed = %q", f)
	}
	if renewalModal(page) {
		t.Error("renewal modal seen where the page does not show it")
	}
	if !renewalModal([]byte(`const showModal = 'True' === 'True';`)) {
		t.Error("the renewal modal was not seen")
	}
	for _, p := range []string{`{"error":"nope"}`, `<input name="csrf_token" type="hidden">`, `<input name="email" value="x">`} {
		if tok, ok := csrfToken([]byte(p)); ok {
			t.Errorf("csrfToken(%s) = %q", p, tok)
		}
	}
}

func FuzzSignInPage(f *testing.F) {
	f.Add([]byte(`<input id="csrf_token" name="csrf_token" type="hidden" value="abc"><ul class="flash-messages"><li>Failure to authenticate</li></ul>`))
	f.Add([]byte(`<input name='csrf_token' value='x'>`))
	f.Add([]byte(`const showModal = 'True' === 'True';`))
	f.Fuzz(func(t *testing.T, page []byte) {
		tok, ok := csrfToken(page)
		if ok && tok == "" {
			t.Fatal("an empty token reported as found")
		}
		if msg := flashed(page); len(msg) > 310 || strings.ContainsRune(msg, '\uFFFD') && !strings.ContainsRune(string(page), '\uFFFD') {
			t.Fatalf("flashed = %q", msg)
		}
		_ = renewalModal(page)
	})
}
