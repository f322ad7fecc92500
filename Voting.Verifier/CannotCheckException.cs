namespace Voting.Verifier;

/// <summary>
/// Verification cannot even start: a bad argument, an unreadable or malformed document, a hash
/// that is not hex, or a node that cannot be reached. Becomes an <c>ERROR:</c> line and exit code 2.
/// </summary>
public sealed class CannotCheckException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public CannotCheckException()
        : base("The proof cannot be checked.")
    {
    }

    /// <summary>Creates the exception saying why nothing can be checked.</summary>
    /// <param name="message">Why nothing can be checked.</param>
    public CannotCheckException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">Why nothing can be checked.</param>
    /// <param name="innerException">The underlying cause.</param>
    public CannotCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
