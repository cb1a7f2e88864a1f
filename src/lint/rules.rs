//! The lint rules on one template.
