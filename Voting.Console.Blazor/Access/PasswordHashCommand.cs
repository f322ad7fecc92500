namespace Voting.Console.Blazor.Access;

/// <summary>
/// <c>Voting.Console.Blazor hash-password</c>: reads a password from standard input and prints the
/// hash to put in <c>Voting:Console:Access:Users:N:PasswordHash</c>.
/// </summary>
public static class PasswordHashCommand
{
    public const string Name = "hash-password";

    public static int Run(TextReader input, TextWriter output, TextWriter error)
    {
        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password) || password.Length < 8)
        {
            error.WriteLine("hash-password: give a password of at least 8 characters on standard input");
            return 2;
        }

        output.WriteLine(ConsoleUserDirectory.Hash(password));
        return 0;
    }
}
