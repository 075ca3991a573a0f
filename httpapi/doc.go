// Package httpapi serves Ponte's plain-HTTP resources that are files rather than GraphQL answers
// (statement exports today). Each handler authorizes through the same Authorizer as GraphQL,
// with the same bearer token, and calls the domain; it holds no business rule.
package httpapi
