"""Unbound extensions; `create_app` binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_security import Security
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from charity.auth.codes import OneUseCodes
from charity.auth.passwords import PasswordPolicy
from charity.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
security = Security(password_util_cls=PasswordPolicy, totp_cls=OneUseCodes)
limiter = Limiter(key_func=get_remote_address)
mail = Mail()
