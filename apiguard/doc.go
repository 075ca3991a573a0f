// Package apiguard protects the GraphQL endpoint from requests that are too big or too deep to
// serve, and recognises the one kind of anonymous request Ponte accepts in development: the IDE
// reading the schema.
package apiguard
