// Package graph holds the GraphQL schema (schema/*.graphqls) and gqlgen's generated executor
// (*.generated.go, model/models_gen.go). The generated files are never edited by hand: change the
// schema or gqlgen.yml and run `go generate ./...`. The hand-written parts are this file, the
// schema, the custom scalars (scalars/) and the GraphQL-only models gqlgen binds to (model/*.go
// other than models_gen.go).
package graph

//go:generate go tool gqlgen generate
