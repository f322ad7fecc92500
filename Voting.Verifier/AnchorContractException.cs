namespace Voting.Verifier;

/// <summary>
/// The node answered, but the address a proof names holds no checkpoint anchor contract (no code,
/// or calls that revert or return nonsense): the claim that the root is anchored there is false.
/// Becomes an <c>INVALID:</c> line and exit code 1.
/// </summary>
public sealed class AnchorContractException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AnchorContractException()
        : base("The address holds no checkpoint anchor contract.")
    {
    }

    /// <summary>Creates the exception saying what is wrong with the contract.</summary>
    /// <param name="message">What is wrong with the contract.</param>
    public AnchorContractException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong with the contract.</param>
    /// <param name="innerException">The underlying cause.</param>
    public AnchorContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
