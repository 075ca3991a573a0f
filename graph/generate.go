// Package graph holds the GraphQL schema (schema/*.graphqls) and gqlgen's generated executor.
// Nothing here is edited by hand except this file: run `go generate ./...` after a schema change.
package graph

//go:generate go tool gqlgen generate
