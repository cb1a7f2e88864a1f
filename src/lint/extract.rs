//! Files and documents → embedded templates with offset maps.
