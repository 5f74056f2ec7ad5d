from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150, widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="密码", widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput(attrs={"class": "form-control"}))
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"class": "form-control"}))
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput(attrs={"class": "form-control"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label="令牌用途", max_length=64, widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "例如：县级系统对接"}))
