using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Tests.Crypto;

/// <summary>The key of the spec's cryptographic test vectors (appendices, "Signing Key").</summary>
internal static class SpecSigningKey
{
    public const string ServerName = "domain";

    public static readonly SigningKey Key =
        SigningKey.FromSeed(KeyId.Parse("ed25519:1"), UnpaddedBase64.Decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"));
}
