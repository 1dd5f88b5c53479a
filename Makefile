GO ?= go
FUZZTIME ?= 20s
BENCHTIME ?= 1s

.PHONY: help test bench fuzz verify

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

test: ## vet, then every test with the race detector (the one test command)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

bench: ## hot-path benchmarks with allocation counts
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./strategy/ ./engine/

fuzz: ## fuzz the engine with random event sequences (bounded by FUZZTIME)
	$(GO) test -run '^$$' -fuzz '^FuzzEngine$$' -fuzztime $(FUZZTIME) ./engine/

verify: ## gofmt, vet and go.mod tidiness
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...
	$(GO) mod tidy -diff
