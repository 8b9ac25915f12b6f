// screenings.js — placeholder: the case page's screenings section. The web2 branch
// replaces this file with the real one (same export).

// Draws the screenings of case code into container (here: nothing).
export function mountScreenings(container, code) {
  void container;
  void code;
}
