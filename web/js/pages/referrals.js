// referrals.js — placeholder: the case page's referrals section. The web2 branch
// replaces this file with the real one (same export).

// Draws the referrals of case code into container (here: nothing).
export function mountReferrals(container, code) {
  void container;
  void code;
}
