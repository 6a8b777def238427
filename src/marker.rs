//! Step markers: the zero-sized types that name steps and address their data.

/// A zero-sized type that names a step and addresses its outcome in the data bag.
///
/// Declare markers with [`markers!`](crate::markers), or implement the trait by hand. Two
/// steps may produce the same output type; their markers tell them apart.
///
/// # Examples
///
/// ```
/// use choreograph::Marker;
///
/// struct CreateStatement;
///
/// impl Marker for CreateStatement {
///     const NAME: &'static str = "create statement";
/// }
///
/// assert_eq!(CreateStatement::NAME, "create statement");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a step marker",
    label = "a step needs a marker type",
    note = "declare the marker with `choreograph::markers! {{ pub {Self} = \"step name\"; }}`"
)]
pub trait Marker: 'static {
    /// The step's name, shown in errors and used by name lookups.
    const NAME: &'static str;
}

/// Declares step markers: unit structs that implement [`Marker`](crate::Marker).
///
/// Each line gives the visibility, the type name and the step name. Doc comments and other
/// attributes before a line apply to the struct.
///
/// # Examples
///
/// ```
/// use choreograph::{Marker, markers};
///
/// markers! {
///     /// Creates the statement unless it exists.
///     pub CreateStatement = "create statement";
///     /// Creates the statement line.
///     pub(crate) CreateLine = "create statement line";
/// }
///
/// assert_eq!(CreateLine::NAME, "create statement line");
/// ```
#[macro_export]
macro_rules! markers {
    ($($(#[$attr:meta])* $vis:vis $marker:ident = $name:expr;)*) => {
        $(
            $(#[$attr])*
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            $vis struct $marker;

            impl $crate::Marker for $marker {
                const NAME: &'static str = $name;
            }
        )*
    };
}
