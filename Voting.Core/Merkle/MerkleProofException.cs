namespace Voting.Core.Merkle;

/// <summary>
/// A Merkle proof is structurally unusable: wrong number of nodes, hashes of the wrong length, or
/// an index or size the proof cannot refer to. A proof that is well formed but simply does not
/// lead to the expected root is not an exception; the <c>Verify*</c> methods return false for it.
/// </summary>
public sealed class MerkleProofException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public MerkleProofException()
        : base("The Merkle proof is malformed.")
    {
    }

    /// <summary>Creates the exception with a message saying what is wrong with the proof.</summary>
    /// <param name="message">What is wrong with the proof.</param>
    public MerkleProofException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong with the proof.</param>
    /// <param name="innerException">The underlying cause.</param>
    public MerkleProofException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
