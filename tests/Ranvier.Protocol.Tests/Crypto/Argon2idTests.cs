using Ranvier.Protocol.Crypto;

namespace Ranvier.Protocol.Tests.Crypto;

public class Argon2idTests
{
    private static readonly PasswordHashCost Cheap = new(1, 64);

    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = Argon2id.Hash("correct horse", Cheap);

        hash.ShouldStartWith("$argon2id$v=19$m=64,t=1,p=1$");
        Argon2id.Verify(hash, "correct horse").ShouldBeTrue();
        Argon2id.Verify(hash, "correct hors").ShouldBeFalse();
        Argon2id.Verify(hash, "").ShouldBeFalse();
    }

    [Fact]
    public void Each_hash_has_its_own_salt()
    {
        Argon2id.Hash("same", Cheap).ShouldNotBe(Argon2id.Hash("same", Cheap));
    }

    [Fact]
    public void Non_ascii_passwords_work()
    {
        var hash = Argon2id.Hash("pässwörd 🔑", Cheap);

        Argon2id.Verify(hash, "pässwörd 🔑").ShouldBeTrue();
        Argon2id.Verify(hash, "passwörd 🔑").ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("$2b$12$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui")]
    [InlineData("$argon2id$garbage")]
    public void Other_or_malformed_hashes_do_not_verify(string hash) =>
        Argon2id.Verify(hash, "anything").ShouldBeFalse();

    [Fact]
    public void A_hash_made_with_another_cost_needs_a_rehash()
    {
        var hash = Argon2id.Hash("pw", Cheap);

        Argon2id.NeedsRehash(hash, Cheap).ShouldBeFalse();
        Argon2id.NeedsRehash(hash, new PasswordHashCost(2, 128)).ShouldBeTrue();
    }
}
