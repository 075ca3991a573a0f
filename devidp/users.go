package devidp

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
)

// users holds the people who can log in. Passwords are kept as SHA-256
// digests only to compare them in constant time; this is not password
// storage, the plain passwords are in the Config anyway.
type users struct {
	byName    map[string]*userEntry
	bySubj    map[string]*User
	dummyHash [sha256.Size]byte
}

type userEntry struct {
	user User
	hash [sha256.Size]byte
}

func newUsers(list []User) (*users, error) {
	us := &users{
		byName:    make(map[string]*userEntry, len(list)),
		bySubj:    make(map[string]*User, len(list)),
		dummyHash: sha256.Sum256([]byte("devidp: no such user")),
	}
	for _, u := range list {
		if u.Username == "" || u.Password == "" || u.Subject == "" {
			return nil, errors.New("devidp: a user needs Username, Password and Subject")
		}
		if _, dup := us.byName[u.Username]; dup {
			return nil, fmt.Errorf("devidp: duplicate username %q", u.Username)
		}
		if _, dup := us.bySubj[u.Subject]; dup {
			return nil, fmt.Errorf("devidp: duplicate subject %q", u.Subject)
		}
		e := &userEntry{user: u, hash: sha256.Sum256([]byte(u.Password))}
		us.byName[u.Username] = e
		us.bySubj[u.Subject] = &e.user
	}
	return us, nil
}

// authenticate checks a username and password. An unknown username costs
// the same comparison as a known one, so timing does not tell them apart.
func (us *users) authenticate(username, password string) (*User, bool) {
	given := sha256.Sum256([]byte(password))
	e, ok := us.byName[username]
	want := us.dummyHash
	if ok {
		want = e.hash
	}
	if subtle.ConstantTimeCompare(given[:], want[:]) != 1 || !ok {
		return nil, false
	}
	return &e.user, true
}

func (us *users) bySubject(subject string) *User { return us.bySubj[subject] }
